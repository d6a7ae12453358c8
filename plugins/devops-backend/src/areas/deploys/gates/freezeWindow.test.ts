import { judgeFreezeWindows, openWindow } from './freezeWindow';

// 2 December 2026 is a Wednesday. Europe/Berlin is UTC+1 in winter (UTC+2 from 29 March 2026,
// 02:00 local); America/New_York is UTC-5 in winter; Asia/Kolkata is UTC+5:30 all year.
const weekend = {
  name: 'Weekend',
  days: [6, 7],
  from: '00:00',
  to: '23:59',
  timeZone: 'Europe/Berlin',
};
const fridayNight = {
  name: 'Friday night',
  days: [5],
  from: '22:00',
  to: '06:00',
  timeZone: 'America/New_York',
};
const yearEnd = {
  name: 'Year end',
  start: new Date('2026-12-24T00:00:00Z'),
  end: new Date('2027-01-02T00:00:00Z'),
};
const at = (iso: string) => new Date(iso);

describe('openWindow', () => {
  it('opens a weekly window on its days in its own time zone, and reads 23:59 as the end of the day', () => {
    // Friday 23:30 in Berlin: not yet.
    expect(openWindow(weekend, at('2026-12-04T22:30:00Z'))).toBeUndefined();
    // Saturday 00:00 in Berlin (still Friday in UTC): open.
    expect(openWindow(weekend, at('2026-12-04T23:00:00Z'))).toBeDefined();
    // Sunday 23:59 in Berlin: still open.
    expect(openWindow(weekend, at('2026-12-06T22:59:30Z'))).toBeDefined();
    // Monday 00:00 in Berlin: closed.
    expect(openWindow(weekend, at('2026-12-06T23:00:00Z'))).toBeUndefined();
  });

  it('says when a window ends, joining days that follow one another (Saturday and Sunday close on Monday)', () => {
    const open = openWindow(weekend, at('2026-12-05T12:00:00Z'));
    expect(open).toEqual({
      name: 'Weekend',
      endsAt: at('2026-12-06T23:00:00Z'),
      localEnd: 'Mon 00:00 Europe/Berlin',
    });
  });

  it('runs a window whose end is before its start past midnight, into the next day', () => {
    // Thursday 21:30 in New York: Thursday is not a day of the window.
    expect(openWindow(fridayNight, at('2026-12-04T02:30:00Z'))).toBeUndefined();
    // Friday 23:00 in New York.
    expect(openWindow(fridayNight, at('2026-12-05T04:00:00Z'))).toEqual({
      name: 'Friday night',
      endsAt: at('2026-12-05T11:00:00Z'),
      localEnd: 'Sat 06:00 America/New_York',
    });
    // Saturday 04:30 in New York: still Friday's window.
    expect(openWindow(fridayNight, at('2026-12-05T09:30:00Z'))?.endsAt).toEqual(
      at('2026-12-05T11:00:00Z'),
    );
    // Saturday 06:00: closed (the end is exclusive).
    expect(openWindow(fridayNight, at('2026-12-05T11:00:00Z'))).toBeUndefined();
    // Saturday 22:30: Saturday is not a day of the window.
    expect(openWindow(fridayNight, at('2026-12-06T03:30:00Z'))).toBeUndefined();
  });

  it('gives the end in the offset in force then, across a daylight-saving change', () => {
    const sunday = { ...weekend, name: 'Sunday', days: [7] };
    // Sunday 29 March 2026, 01:30 CET; the window ends on Monday 00:00 CEST (UTC+2).
    expect(openWindow(sunday, at('2026-03-29T00:30:00Z'))?.endsAt).toEqual(
      at('2026-03-29T22:00:00Z'),
    );
  });

  it('handles zones with half-hour offsets', () => {
    const office = {
      name: 'Office hours',
      days: [3],
      from: '09:00',
      to: '17:00',
      timeZone: 'Asia/Kolkata',
    };
    // Wednesday 09:30 in Kolkata.
    expect(openWindow(office, at('2026-12-02T04:00:00Z'))).toEqual({
      name: 'Office hours',
      endsAt: at('2026-12-02T11:30:00Z'),
      localEnd: 'Wed 17:00 Asia/Kolkata',
    });
    // Wednesday 08:59 in Kolkata.
    expect(openWindow(office, at('2026-12-02T03:29:00Z'))).toBeUndefined();
  });

  it('opens a fixed window from its start up to (not including) its end', () => {
    expect(openWindow(yearEnd, at('2026-12-23T23:59:59Z'))).toBeUndefined();
    expect(openWindow(yearEnd, at('2026-12-24T00:00:00Z'))?.endsAt).toEqual(
      yearEnd.end,
    );
    expect(openWindow(yearEnd, at('2027-01-02T00:00:00Z'))).toBeUndefined();
  });
});

describe('judgeFreezeWindows', () => {
  it('fails while a window is open, naming it and when it ends', () => {
    const result = judgeFreezeWindows({
      environment: 'production',
      windows: [yearEnd, weekend],
      now: at('2026-12-25T10:00:00Z'),
    });
    expect(result).toEqual({
      gate: 'freeze-window',
      status: 'failed',
      message:
        "Freeze window 'Year end' is open until 2027-01-02T00:00:00.000Z",
      evidence: {
        windows: 2,
        openWindows: 1,
        window: 'Year end',
        endsAt: '2027-01-02T00:00:00.000Z',
        checkedAt: '2026-12-25T10:00:00.000Z',
      },
    });
  });

  it('names every open window', () => {
    // Saturday 26 December 2026: both are open.
    const result = judgeFreezeWindows({
      environment: 'production',
      windows: [yearEnd, weekend],
      now: at('2026-12-26T10:00:00Z'),
    });
    expect(result.status).toBe('failed');
    expect(result.message).toBe(
      "Freeze window 'Year end' is open until 2027-01-02T00:00:00.000Z; Freeze window 'Weekend' is open until Mon 00:00 Europe/Berlin (2026-12-27T23:00:00.000Z)",
    );
    expect(result.evidence).toMatchObject({
      openWindows: 2,
      window: 'Year end, Weekend',
      endsAt: '2027-01-02T00:00:00.000Z',
    });
  });

  it('passes when no window is open, and is skipped without windows', () => {
    expect(
      judgeFreezeWindows({
        environment: 'production',
        windows: [yearEnd, weekend],
        now: at('2026-12-02T10:00:00Z'),
      }),
    ).toMatchObject({ status: 'passed', evidence: { openWindows: 0 } });
    expect(
      judgeFreezeWindows({
        environment: 'staging',
        windows: [],
        now: at('2026-12-02T10:00:00Z'),
      }),
    ).toMatchObject({
      status: 'skipped',
      message: 'No freeze window is configured for staging',
    });
  });

  it('says a window open every day, all day, never closes', () => {
    const always = { ...weekend, name: 'Always', days: [1, 2, 3, 4, 5, 6, 7] };
    const result = judgeFreezeWindows({
      environment: 'production',
      windows: [always],
      now: at('2026-12-02T10:00:00Z'),
    });
    expect(result.status).toBe('failed');
    expect(result.message).toContain("'Always' is always open");
    expect(result.evidence?.endsAt).toBeNull();
  });

  it('fails, naming the window, when a window cannot be read', () => {
    const result = judgeFreezeWindows({
      environment: 'production',
      windows: [{ ...weekend, timeZone: 'Mars/Olympus_Mons' }],
      now: at('2026-12-02T10:00:00Z'),
    });
    expect(result.status).toBe('failed');
    expect(result.message).toMatch(
      /^Freeze window 'Weekend' cannot be judged: /,
    );
  });
});
