import { Fragment } from 'react';

/**
 * Text that may wrap after separators (`/ . _ - : ?`) when it does not fit, so that paths, URLs
 * and test names break between their parts instead of in the middle of a word.
 */
export function BreakableText(props: { text: string }) {
  const parts = props.text.split(/(?<=[/._\-:?&=])/);
  return (
    <>
      {parts.map((part, index) => (
        <Fragment key={index}>
          {index > 0 && <wbr />}
          {part}
        </Fragment>
      ))}
    </>
  );
}
