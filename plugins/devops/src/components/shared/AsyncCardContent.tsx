import { ReactNode } from 'react';
import LinearProgress from '@material-ui/core/LinearProgress';
import { Progress, ResponseErrorPanel } from '@backstage/core-components';

/**
 * A card's body for data loaded from the backend: the error, a progress indicator before the first
 * answer, and the content with a thin "Refreshing" bar while a new answer is on its way.
 */
export function AsyncCardContent<T>(props: {
  state: { value?: T; loading: boolean; error?: Error };
  children: (value: T) => ReactNode;
}) {
  const { value, loading, error } = props.state;
  if (error) {
    return <ResponseErrorPanel error={error} />;
  }
  if (value === undefined) {
    return <Progress />;
  }
  return (
    <>
      {loading && <LinearProgress aria-label="Refreshing" />}
      {props.children(value)}
    </>
  );
}
