import Button from '@material-ui/core/Button';
import LinearProgress from '@material-ui/core/LinearProgress';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import {
  ComplianceScore,
  DEVOPS_COMPLIANCE_FRAMEWORKS_ANNOTATION,
} from '@devops-growth/backstage-plugin-devops-common';
import { FigureGrid, FigureTile, statusTextColors } from '../shared';
import { ComplianceTile, toComplianceTile } from './model';

const useStyles = makeStyles(theme => {
  const colors = statusTextColors(theme);
  return {
    bar: { margin: theme.spacing(1, 0), height: 6, borderRadius: 3 },
    ok: { backgroundColor: colors.ok },
    warning: { backgroundColor: colors.warning },
    error: { backgroundColor: colors.error },
    running: { backgroundColor: colors.running },
    neutral: { backgroundColor: colors.neutral },
  };
});

function ScoreTile(props: {
  tile: ComplianceTile;
  onOpen: (frameworkId: string) => void;
}) {
  const classes = useStyles();
  const { tile, onOpen } = props;
  return (
    <FigureTile
      label={tile.title}
      name={`${tile.title} score`}
      value={tile.value}
      measured={tile.score !== null}
      alert={tile.tone === 'error'}
    >
      {tile.score !== null && (
        <LinearProgress
          variant="determinate"
          value={tile.score}
          aria-label={`${tile.title} score`}
          className={classes.bar}
          classes={{ bar: classes[tile.tone] }}
        />
      )}
      <Typography variant="caption" color="textSecondary" component="p">
        {tile.counts}
      </Typography>
      <Button
        size="small"
        onClick={() => onOpen(tile.frameworkId)}
        aria-label={`${tile.title} controls`}
        data-framework={tile.frameworkId}
      >
        Controls
      </Button>
    </FigureTile>
  );
}

/**
 * A score per compliance framework (weighted share of the evaluated controls that pass), each
 * opening the drill-down to its failing and not-evaluated controls. Automated evidence, not
 * certification.
 */
export function ComplianceScores(props: {
  scores: ComplianceScore[];
  onOpen: (frameworkId: string) => void;
}) {
  if (props.scores.length === 0) {
    return (
      <Typography variant="body2" color="textSecondary">
        No compliance framework applies to this entity (annotation{' '}
        <code>{DEVOPS_COMPLIANCE_FRAMEWORKS_ANNOTATION}</code>, or{' '}
        <code>devops.security.compliance.defaultFrameworks</code> in
        app-config.yaml).
      </Typography>
    );
  }
  return (
    <>
      <Typography variant="body2" color="textSecondary">
        Automated evidence from what Backstage knows about this entity, not
        certification.
      </Typography>
      <FigureGrid
        widths={{ xs: 12, sm: 6, md: 3 }}
        items={props.scores.map(score => ({
          key: score.frameworkId,
          tile: (
            <ScoreTile tile={toComplianceTile(score)} onOpen={props.onOpen} />
          ),
        }))}
      />
    </>
  );
}
