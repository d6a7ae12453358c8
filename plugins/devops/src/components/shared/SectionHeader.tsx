import { ReactNode } from 'react';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';

/** A titled section of a card: an `h3` heading above its content. */
export function Section(props: { title: string; children: ReactNode }) {
  return (
    <Box mt={3} component="section">
      <Typography variant="h6" component="h3" gutterBottom>
        {props.title}
      </Typography>
      {props.children}
    </Box>
  );
}
