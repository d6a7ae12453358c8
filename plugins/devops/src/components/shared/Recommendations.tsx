import { useMemo } from 'react';
import Box from '@material-ui/core/Box';
import Chip from '@material-ui/core/Chip';
import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import {
  Recommendation,
  RecommendationPriority,
} from '@devops-growth/backstage-plugin-devops-common';
import { statusChipColors } from './colors';
import { sortRecommendations } from './recommendations';
import { Section } from './SectionHeader';

const useStyles = makeStyles(theme => ({
  item: {
    display: 'block',
    paddingLeft: 0,
    paddingRight: 0,
  },
  heading: {
    display: 'flex',
    alignItems: 'center',
    gap: theme.spacing(1),
  },
  high: statusChipColors(theme, 'error'),
  medium: statusChipColors(theme, 'warning'),
  low: {},
  evidence: {
    margin: theme.spacing(0.5, 0, 0),
    paddingLeft: theme.spacing(2.5),
  },
}));

function PriorityChip(props: { priority: RecommendationPriority }) {
  const classes = useStyles();
  return (
    <Chip
      size="small"
      label={props.priority}
      className={classes[props.priority]}
    />
  );
}

/** What to do next, most urgent first, with the figures that triggered each recommendation. */
export function Recommendations(props: { recommendations: Recommendation[] }) {
  const classes = useStyles();
  const recommendations = useMemo(
    () => sortRecommendations(props.recommendations),
    [props.recommendations],
  );
  if (recommendations.length === 0) {
    return (
      <Typography variant="body2" color="textSecondary">
        Nothing to recommend.
      </Typography>
    );
  }
  return (
    <List dense disablePadding aria-label="Recommendations">
      {recommendations.map(recommendation => (
        <ListItem
          key={recommendation.id}
          className={classes.item}
          data-recommendation={recommendation.id}
        >
          <Box className={classes.heading}>
            <PriorityChip priority={recommendation.priority} />
            <Typography variant="subtitle2" component="span">
              {recommendation.title}
            </Typography>
          </Box>
          <Typography variant="body2">{recommendation.description}</Typography>
          {recommendation.evidence.length > 0 && (
            <ul className={classes.evidence}>
              {recommendation.evidence.map(item => (
                <li key={item.label}>
                  <Typography variant="caption">
                    {item.label}: <strong>{item.value}</strong>
                  </Typography>
                </li>
              ))}
            </ul>
          )}
        </ListItem>
      ))}
    </List>
  );
}

/** The "Recommendations" section of a card. */
export function RecommendationsSection(props: {
  recommendations: Recommendation[];
}) {
  return (
    <Section title="Recommendations">
      <Recommendations recommendations={props.recommendations} />
    </Section>
  );
}
