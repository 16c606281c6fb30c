/**
 * The ISO week (Monday 00:00 UTC to Sunday 24:00 UTC) of an instant, as the
 * name of the attribute that counts a denial summary's denials in that week
 * (`week2026W49`): the weekly denial digest reads last week's attribute, so
 * its counts are that week's, not everything since the summary was created.
 */
export function denialWeekAttribute(epochSeconds: number): string {
  return `week${isoWeek(epochSeconds).label}`;
}

/** ISO 8601 week of an instant: `2026W49`, and when it starts (epoch seconds, Monday 00:00 UTC). */
export function isoWeek(epochSeconds: number): { readonly label: string; readonly start: number } {
  const day = Math.floor(epochSeconds / 86_400);
  // 1970-01-01 was a Thursday: ISO weekday 1 (Monday) .. 7 (Sunday).
  const weekday = ((day + 3) % 7) + 1;
  const monday = day - (weekday - 1);
  const thursday = monday + 3;
  const year = new Date(thursday * 86_400_000).getUTCFullYear();
  const jan1 = Math.floor(Date.UTC(year, 0, 1) / 86_400_000);
  const week = Math.floor((thursday - jan1) / 7) + 1;
  return { label: `${year}W${String(week).padStart(2, '0')}`, start: monday * 86_400 };
}
