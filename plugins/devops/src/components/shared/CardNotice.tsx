import { useCallback, useRef, useState } from 'react';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';

/**
 * A card's announcement of what an action did ("Deploy of 1.5.0 to production started."): a
 * status region that screen readers read out, which takes the focus once a dialog closed so that
 * keyboard users land on what happened. `announce('')` clears it.
 */
export function useCardNotice() {
  const [notice, setNotice] = useState('');
  const ref = useRef<HTMLDivElement>(null);
  const announce = useCallback((message: string) => {
    setNotice(message);
    if (message) {
      // after the dialog gives focus back
      setTimeout(() => ref.current?.focus(), 0);
    }
  }, []);
  const element = (
    <Typography
      variant="body2"
      role="status"
      tabIndex={-1}
      ref={ref}
      component="div"
    >
      {notice && <Box mb={1}>{notice}</Box>}
    </Typography>
  );
  return { element, announce };
}
