/**
 * Smoke journey: each user logs in, searches events, views a seat map and books one seat.
 */
import exec from 'k6/execution';
import { fullJourney } from './lib/flows.ts';

export default function simple(): void {
  fullJourney(exec.vu.idInTest);
}
