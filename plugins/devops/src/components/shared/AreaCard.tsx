import { ReactNode } from 'react';
import { Entity } from '@backstage/catalog-model';
import { useEntity } from '@backstage/plugin-catalog-react';
import {
  DevopsArea,
  isDevopsAreaEnabled,
} from '@devops-growth/backstage-plugin-devops-common';
import { CardRoot } from './CardRoot';
import { MissingAreaAnnotation } from './MissingAreaAnnotation';

/**
 * An area's card: its content for entities whose monitoring annotation enables the area, the
 * missing-annotation state (with the line that enables it) for the others.
 */
export function AreaCard(props: {
  area: DevopsArea;
  title: string;
  children: (entity: Entity) => ReactNode;
}) {
  const { area, title } = props;
  const { entity } = useEntity();
  return (
    <CardRoot name={area}>
      {isDevopsAreaEnabled(entity, area) ? (
        props.children(entity)
      ) : (
        <MissingAreaAnnotation entity={entity} area={area} title={title} />
      )}
    </CardRoot>
  );
}
