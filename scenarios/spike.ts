/**
 * Flash sale: every user goes for the same hot event and its front seats at once, so seat locks are contended.
 */
import exec from 'k6/execution';
import { book, chooseSeats, ensureLogin, think } from './lib/flows.ts';
import { searchEvents, viewSeats } from './lib/api.ts';
import { group } from 'k6';

/** HOT_EVENT picks the event on sale; otherwise the first event the search returns. */
const hotEvent = __ENV.HOT_EVENT;
/** How many of the first available seats everyone fights over. */
const frontSeats = Number(__ENV.FRONT_SEATS ?? '50');

export default function spike(): void {
  const vu = exec.vu.idInTest;
  ensureLogin(vu);
  const eventId = hotEvent ?? group('search events', () => searchEvents())[0]?.id;
  if (!eventId) return;
  const seats = group('view seats', () => viewSeats(eventId));
  book(vu, eventId, chooseSeats(seats, undefined, frontSeats));
  think(Number(__ENV.THINK_TIME ?? '0.2'));
}
