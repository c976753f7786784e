/**
 * Recent eventIds per trigger, in this n8n process: checked and filled synchronously, before any
 * `await`, so two deliveries of the same event at the same moment start one execution.
 *
 * Why not static data alone: n8n loads a workflow's static data for each webhook call and writes
 * the whole object back after it (last writer wins; n8n source: packages/cli/src/webhooks/
 * live-webhooks.ts and workflow-static-data.service.ts), so overlapping calls lose each other's
 * eventIds. So every write carries all the recent eventIds this process has seen for the trigger,
 * and writes n8n has not saved yet get each newer one too: whichever n8n saves last is complete,
 * and static data carries them across restarts. Across several webhook processes (queue mode)
 * each process's writes carry only its own: the README's exact-once recipe uses n8n's
 * database-backed Remove Duplicates node.
 *
 * Also remembered: whether a trigger has had a correctly signed delivery (then unsigned ones are
 * refused even before static data says so).
 *
 * Module-level on purpose: it is the memory of this n8n process, which outlives every webhook
 * call and every Workflow object n8n builds per call. Bounded: EVENTS_REMEMBERED per trigger,
 * TRIGGERS_REMEMBERED triggers, UNSAVED_WRITES_KEPT writes per trigger.
 */

/** eventIds remembered per trigger by this n8n instance; the oldest are forgotten first. */
export const EVENTS_REMEMBERED = 5_000;
/** eventIds each registration keeps in static data for restarts; the oldest are forgotten first. */
export const SEEN_EVENTS_KEPT = 500;
/** Triggers remembered; the one unused longest is forgotten first. */
const TRIGGERS_REMEMBERED = 1_000;
/** Static data writes per trigger that may still be unsaved (n8n saves each within its call). */
const UNSAVED_WRITES_KEPT = 8;

interface TriggerMemory {
	/** eventIds in the order first seen, newest last. */
	ids: Set<string>;
	/** A correctly signed delivery reached this trigger since this n8n instance started: unsigned ones are refused. */
	signed: boolean;
	/** The `seen` lists of recent calls' static data, newest last: n8n may not have saved them yet. */
	writes: string[][];
}

/**
 * Module state, on purpose (see above): the memory of this n8n process outlives each webhook call
 * and each Workflow object n8n builds for it. Bounded by TRIGGERS_REMEMBERED, least recently used
 * dropped first.
 */
const byTrigger = new Map<string, TriggerMemory>();

function memoryOf(key: string): TriggerMemory {
	let memory = byTrigger.get(key);
	if (memory) byTrigger.delete(key);
	else memory = { ids: new Set(), signed: false, writes: [] };
	byTrigger.set(key, memory);
	if (byTrigger.size > TRIGGERS_REMEMBERED) byTrigger.delete(byTrigger.keys().next().value as string);
	return memory;
}

/**
 * Records `eventId` for the trigger `key` (workflow, node, test or production); returns false when
 * this process already saw it. Synchronous on purpose: nothing can run between check and record.
 */
export function firstInProcess(key: string, eventId: string): boolean {
	const { ids } = memoryOf(key);
	if (ids.has(eventId)) return false;
	ids.add(eventId);
	if (ids.size > EVENTS_REMEMBERED) ids.delete(ids.values().next().value as string);
	return true;
}

function keepNewest(seen: string[]): void {
	if (seen.length > SEEN_EVENTS_KEPT) seen.splice(0, seen.length - SEEN_EVENTS_KEPT);
}

/**
 * Makes this call's static data write carry every recent eventId this process has seen for the
 * trigger `key`, newest last, at most SEEN_EVENTS_KEPT, keeping the ids the stored list already
 * had (written before a restart, or by another process); and adds `eventId` to the lists of
 * earlier calls whose writes n8n may not have saved yet. Call it for deliveries that start an
 * execution, after `firstInProcess`.
 *
 * The new list is built as a plain array and assigned to `record.seen` once: n8n hands static data
 * over wrapped in its ObservableObject proxy, where every element read and write is a trap, and
 * changing a 500-id list in place cost about 2 ms a delivery (bench run 5; n8n-workflow source:
 * observable-object.ts). An assigned array stays plain inside n8n's object, so the lists kept for
 * later calls are changed without traps, and the assignment marks the static data changed.
 */
export function carryRecentEvents(key: string, record: { seen: string[] }, eventId: string): void {
	const memory = memoryOf(key);
	for (const earlier of memory.writes) {
		if (!earlier.includes(eventId)) {
			earlier.push(eventId);
			keepNewest(earlier);
		}
	}
	const recent = [...memory.ids];
	const carried = recent.length > SEEN_EVENTS_KEPT ? recent.slice(-SEEN_EVENTS_KEPT) : recent;
	const have = new Set(carried);
	const seen: string[] = [];
	for (const id of record.seen ?? []) if (!have.has(id)) seen.push(id);
	for (const id of carried) seen.push(id);
	keepNewest(seen);
	record.seen = seen;
	memory.writes.push(seen);
	if (memory.writes.length > UNSAVED_WRITES_KEPT) memory.writes.shift();
}

/** Remembers that the trigger `key` received a correctly signed delivery since this n8n instance started. */
export function markSigned(key: string): void {
	memoryOf(key).signed = true;
}

/** Whether the trigger `key` received a correctly signed delivery since this n8n instance started. */
export function seenSigned(key: string): boolean {
	return byTrigger.get(key)?.signed ?? false;
}
