/**
 * The SQLite side of `accord stats`: the observation facts written with each new observation,
 * and the period scan the statistics are computed from.
 */
import type { Event } from '../../domain/schema/event.js';
import { observationFacts } from '../observation-facts.js';

/** The facts columns of a new observation, in the order of the upsert's last ten parameters. */
export function factsRow(e: Event): unknown[] {
  const f = observationFacts(e);
  return [
    f.feed,
    f.srcCc,
    f.srcAsn,
    f.srcOrg,
    f.srcScope,
    f.dstCc,
    f.dstAsn,
    f.dstOrg,
    f.dstScope,
    f.warninglist,
  ];
}
