import { ReactNode } from 'react';

/**
 * The outer element of every DevOps card, marked `data-devops-card="<name>"` so that browser
 * tests (and axe-core runs) can find the plugin's cards on any page.
 */
export function CardRoot(props: { name: string; children: ReactNode }) {
  return <div data-devops-card={props.name}>{props.children}</div>;
}
