/**
 * The crons that fire `leadMs` before every fire of `cron`, in Temporal's seven-field form (second minute hour
 * day-of-month month day-of-week year), or undefined when that set of times has no exact cron form. Only plain
 * five-field crons are moved (numbers, `*`, ranges, lists and steps): a fire at minute 0 moves into the previous hour, and
 * one at midnight into the previous day, which a day-of-month or month field cannot say ("the day before the 1st").
 */
export function startAheadCrons(cron: string, leadMs: number): string[] | undefined {
  if (!Number.isInteger(leadMs / 1000) || leadMs < 1000 || leadMs >= 60_000) return undefined;
  const fields = cron.trim().split(/\s+/);
  if (fields.length !== 5) return undefined;
  const [minuteField, hourField, dayField, monthField, weekdayField] = fields as [string, string, string, string, string];
  const minutes = expandField(minuteField, 0, 59);
  const hours = expandField(hourField, 0, 23);
  if (!minutes || !hours) return undefined;
  const second = 60 - leadMs / 1000;
  const days = `${dayField} ${monthField} ${weekdayField}`;
  // Every minute of every day: the moved times are every minute too.
  if (minutes.length === 60 && hours.length === 24 && days === '* * *') return [`${second} * * * * * *`];
  const crons: string[] = [];

  const sameHour = minutes.filter((minute) => minute > 0).map((minute) => minute - 1);
  if (sameHour.length) crons.push(`${second} ${listOf(sameHour)} ${hourField} ${days} *`);
  if (!minutes.includes(0)) return crons;

  const previousHour = hours.filter((hour) => hour > 0).map((hour) => hour - 1);
  if (previousHour.length) crons.push(`${second} 59 ${listOf(previousHour)} ${days} *`);
  if (!hours.includes(0)) return crons;

  // Midnight moves to 23:59 of the day before: expressible when the days are whole weeks (weekdays, or every day).
  if (dayField !== '*' || monthField !== '*') return undefined;
  const weekdays = expandField(weekdayField, 0, 7);
  if (!weekdays) return undefined;
  const previousWeekday = weekdayField === '*' ? '*' : listOf(weekdays.map((day) => (day + 6) % 7));
  crons.push(`${second} 59 23 * * ${previousWeekday} *`);
  return crons;
}

/** The numbers a cron field matches, sorted; undefined for anything but numbers, `*`, ranges, lists and steps. */
export function expandField(field: string, min: number, max: number): number[] | undefined {
  const values = new Set<number>();
  for (const item of field.split(',')) {
    const match = /^(\*|(\d+)(?:-(\d+))?)(?:\/(\d+))?$/.exec(item);
    if (!match) return undefined;
    const [, whole, from, to, step] = match;
    const start = whole === '*' ? min : Number(from);
    // `N/S` runs from N to the field's end, as in Vixie cron.
    const end = whole === '*' || (to === undefined && step !== undefined) ? max : Number(to ?? from);
    const stride = step === undefined ? 1 : Number(step);
    if (start < min || end > max || start > end || stride < 1) return undefined;
    for (let value = start; value <= end; value += stride) values.add(value);
  }
  return [...values].sort((a, b) => a - b);
}

/** Sorted numbers as a cron list, runs of three or more written as ranges (0-58 rather than 59 numbers). */
function listOf(values: number[]): string {
  const sorted = [...new Set(values)].sort((a, b) => a - b);
  const items: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    if (j - i >= 2) items.push(`${sorted[i]}-${sorted[j]}`);
    else items.push(...sorted.slice(i, j + 1).map(String));
    i = j + 1;
  }
  return items.join(',');
}
