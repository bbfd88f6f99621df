// How long ago a release was uploaded, and whether it is still inside the cooldown (`requirements.cooldownDays`):
// a brand-new release is where a hijacked account or a broken build shows up first.

import { earliestTime, uploadDate } from '../../shared/releaseTimes.js';

const DAY = 86_400_000;

/** The upload time of a release: the earliest of its files' (a late wheel upload does not make it newer). */
export function uploadedAt(times: (string | undefined)[]): Date | undefined {
  const first = earliestTime(times);
  return first === undefined ? undefined : new Date(first);
}

/** Whether a release uploaded at `uploaded` is inside a cooldown of `days` days at `now`. */
export function insideCooldown(uploaded: Date, days: number, now: Date): boolean {
  return days > 0 && now.getTime() - uploaded.getTime() < days * DAY;
}

/** Whether a release (its `uploaded` time) is inside a cooldown of `days` days at `now`; false with no time. */
export function releaseInsideCooldown(release: { uploaded?: string }, days: number, now: Date): boolean {
  const uploaded = uploadDate(release);
  return uploaded !== undefined && insideCooldown(uploaded, days, now);
}

/** "today", "1 day ago", "3 days ago", "5 months ago", "2 years ago". */
export function ageWords(uploaded: Date, now: Date): string {
  const days = Math.floor((now.getTime() - uploaded.getTime()) / DAY);
  if (days <= 0) return 'today';
  if (days < 60) return days === 1 ? '1 day ago' : `${days} days ago`;
  if (days < 730) return `${Math.floor(days / 30)} months ago`;
  return `${Math.floor(days / 365)} years ago`;
}

/** The `too-new` warning's message: "released 1 day ago; cooldown 7 days". */
export function cooldownMessage(name: string, version: string, uploaded: Date, days: number, now: Date): string {
  return `${name} ${version} was released ${ageWords(uploaded, now)}; cooldown ${days} day${days === 1 ? '' : 's'} (requirements.cooldownDays).`;
}

/** "2024-05-29", for hovers. */
export function dateWords(d: Date): string {
  return d.toISOString().slice(0, 10);
}
