import { useState } from 'react';
import Box from '@material-ui/core/Box';
import Chip from '@material-ui/core/Chip';
import Typography from '@material-ui/core/Typography';
import { useTheme } from '@material-ui/core/styles';
import { DoraSummary } from '@devops-growth/backstage-plugin-devops-common';
import {
  FigureGrid,
  FigureTile,
  SelectPicker,
  StatusLabel,
  statusChipColors,
} from '../shared';
import {
  DORA_WINDOWS,
  DoraTileView,
  DoraWindow,
  doraCountsText,
  doraEnvironments,
  findDora,
  toDoraTiles,
} from './dora';

function TierChip(props: { tile: DoraTileView }) {
  const theme = useTheme();
  const { tier, tierTone } = props.tile;
  if (!tier) {
    return null;
  }
  const colors =
    tierTone === 'neutral' ? undefined : statusChipColors(theme, tierTone);
  return <Chip size="small" label={`${tier} tier`} style={colors} />;
}

/**
 * The four DORA figures of an environment over 30 or 90 days, each with its performance tier and
 * its trend against the window before.
 */
export function DoraTiles(props: {
  dora: DoraSummary[];
  /** The environment shown first: the last of the promotion chain, usually production. */
  initialEnvironment?: string;
}) {
  const environments = doraEnvironments(props.dora);
  const [environment, setEnvironment] = useState(
    props.initialEnvironment && environments.includes(props.initialEnvironment)
      ? props.initialEnvironment
      : environments[0] ?? '',
  );
  const [windowDays, setWindowDays] = useState<DoraWindow>(30);
  if (environments.length === 0) {
    return <Typography variant="body2">No deploys to measure yet.</Typography>;
  }
  const summary = findDora(props.dora, environment, windowDays);
  return (
    <>
      <Box display="flex" flexWrap="wrap" style={{ gap: 16 }} mb={1}>
        <SelectPicker
          id="devops-dora-environment"
          label="Environment"
          value={environment}
          options={environments}
          onChange={setEnvironment}
        />
        <SelectPicker
          id="devops-dora-window"
          label="Window"
          value={`${windowDays} days`}
          options={DORA_WINDOWS.map(d => `${d} days`)}
          onChange={value => setWindowDays(parseInt(value, 10) as DoraWindow)}
        />
      </Box>
      {summary ? (
        <>
          <Typography variant="body2" color="textSecondary">
            {doraCountsText(summary)}
          </Typography>
          <FigureGrid
            widths={{ xs: 12, sm: 6, md: 3 }}
            items={toDoraTiles(summary).map(tile => ({
              key: tile.key,
              tile: (
                <FigureTile
                  label={tile.label}
                  value={tile.value}
                  measured={tile.measured}
                >
                  <TierChip tile={tile} />
                  <StatusLabel tone={tile.trendTone} label={tile.trend} />
                </FigureTile>
              ),
            }))}
          />
        </>
      ) : (
        <Typography variant="body2">
          No DORA figures for {environment} over {windowDays} days.
        </Typography>
      )}
    </>
  );
}
