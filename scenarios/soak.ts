/**
 * Long steady journey that cancels half of its holds, so seats return to sale and leaks show up over hours.
 */
import exec from 'k6/execution';
import { book, browse, chooseSeats, ensureLogin, think } from './lib/flows.ts';
import { config } from './lib/config.ts';

// Cancelling keeps inventory available for a run of hours.
if (__ENV.CANCEL_RATIO === undefined) config.cancelRatio = 0.5;

export default function soak(): void {
  const vu = exec.vu.idInTest;
  ensureLogin(vu);
  think();
  const { event, seats } = browse();
  if (!event) return;
  think();
  book(vu, event.id, chooseSeats(seats));
  think(config.thinkTime * 2);
}
