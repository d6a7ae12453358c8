/*
 * Which time window the "Performance" card opens on: the user's choice of this browser session
 * when there is one, otherwise the shortest window holding a few points (in a service's first
 * hour, 24 hours of 10-minute means are a single dot).
 */
import {
  PERFORMANCE_WINDOWS,
  PerformanceSummary,
  PerformanceWindow,
} from '@devops-growth/backstage-plugin-devops-common';

/** Points a window must hold before the card opens on it. */
export const MIN_OPENING_POINTS = 5;

/** Where the window picked in this session is kept (`sessionStorage`). */
export const WINDOW_STORAGE_KEY = '@devops-growth/devops:performance-window';

function sessionStore(): Storage | undefined {
  try {
    return window.sessionStorage;
  } catch {
    // storage disabled by the browser: nothing is remembered
    return undefined;
  }
}

/** The window the user picked earlier in this session, if any. */
export function readSessionWindow(
  storage: Storage | undefined = sessionStore(),
): PerformanceWindow | undefined {
  const value = storage?.getItem(WINDOW_STORAGE_KEY);
  return PERFORMANCE_WINDOWS.find(w => w === value);
}

/** Remembers the window the user picked for the rest of the session. */
export function storeSessionWindow(
  value: PerformanceWindow,
  storage: Storage | undefined = sessionStore(),
): void {
  try {
    storage?.setItem(WINDOW_STORAGE_KEY, value);
  } catch {
    // quota or privacy mode: the choice lasts as long as the card
  }
}

/** True when the card can open on this summary's window. */
export function holdsEnoughPoints(summary: PerformanceSummary): boolean {
  return summary.series.length >= MIN_OPENING_POINTS;
}

/**
 * Loads the summary of the shortest window that holds at least {@link MIN_OPENING_POINTS}
 * points, trying the windows from the shortest. When none does (a service's first minutes, when
 * the longer windows' roll-ups do not exist yet), the window with the most points, the shorter on
 * a tie: opening on an empty 30-day chart next to a current sample reads as "no data".
 */
export async function loadOpeningSummary(
  load: (window: PerformanceWindow) => Promise<PerformanceSummary>,
): Promise<PerformanceSummary> {
  let fullest: PerformanceSummary | undefined;
  for (const candidate of PERFORMANCE_WINDOWS) {
    const summary = await load(candidate);
    if (holdsEnoughPoints(summary)) {
      return summary;
    }
    if (!fullest || summary.series.length > fullest.series.length) {
      fullest = summary;
    }
  }
  return fullest!;
}
