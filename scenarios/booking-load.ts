/**
 * Steady booking traffic: most users browse, a share of them (BOOK_RATIO, default 0.3) go on to book.
 */
import exec from 'k6/execution';
import { book, browse, chooseSeats, ensureLogin, think } from './lib/flows.ts';

const bookRatio = Number(__ENV.BOOK_RATIO ?? '0.3');

export default function bookingLoad(): void {
  const vu = exec.vu.idInTest;
  ensureLogin(vu);
  const { event, seats } = browse();
  think();
  if (event && Math.random() < bookRatio) {
    book(vu, event.id, chooseSeats(seats));
    think();
  }
}
