/**
 * Recent eventIds per trigger, in this n8n process: checked and filled synchronously, before any
 * `await`, so two deliveries of the same event at the same moment start one execution.
 *
 * Why not static data alone: n8n loads a workflow's static data for each webhook call and writes
 * the whole object back after it (last writer wins), so overlapping calls lose each other's
 * eventIds (n8n source: packages/cli webhook helpers and `saveStaticData`). Static data still
 * carries them across restarts. Across several webhook processes no memory here is complete:
 * the README's exact-once recipe uses n8n's database-backed Remove Duplicates node.
 */

/** eventIds remembered per trigger; the oldest are forgotten first. */
export const EVENTS_REMEMBERED = 5_000;
/** Triggers remembered; the one unused longest is forgotten first. */
const TRIGGERS_REMEMBERED = 1_000;

const byTrigger = new Map<string, Set<string>>();

/**
 * Records `eventId` for the trigger `key` (workflow, node, test or production); returns false when
 * this process already saw it. Synchronous on purpose: nothing can run between check and record.
 */
export function firstInProcess(key: string, eventId: string): boolean {
	let seen = byTrigger.get(key);
	if (seen) byTrigger.delete(key);
	else seen = new Set();
	byTrigger.set(key, seen);
	if (byTrigger.size > TRIGGERS_REMEMBERED) byTrigger.delete(byTrigger.keys().next().value as string);
	if (seen.has(eventId)) return false;
	seen.add(eventId);
	if (seen.size > EVENTS_REMEMBERED) seen.delete(seen.values().next().value as string);
	return true;
}

/** Triggers (by key) that received a correctly signed delivery in this process: unsigned ones are refused. */
const signedTriggers = new Set<string>();

export function markSigned(key: string): void {
	if (signedTriggers.size >= TRIGGERS_REMEMBERED) signedTriggers.delete(signedTriggers.values().next().value as string);
	signedTriggers.add(key);
}

export function seenSigned(key: string): boolean {
	return signedTriggers.has(key);
}
