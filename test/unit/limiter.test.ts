/**
 * forEachBounded (nodes/PortalDuct/transport/limiter.ts): the bound on calls in flight, each index
 * once, and what a failure does. The calls are held open until the test ends them, in an order the
 * test picks, so finishing out of order and "still in flight" are facts, not timing.
 */
import { forEachBounded } from '../../nodes/PortalDuct/transport/limiter';

/** Work whose calls stay in flight until the test ends one with `finish(index, error?)`. */
function heldWork() {
	const started: number[] = [];
	const open = new Map<number, (error?: Error) => void>();
	let maxInFlight = 0;
	const work = (index: number) =>
		new Promise<void>((resolve, reject) => {
			started.push(index);
			open.set(index, (error) => (error ? reject(error) : resolve()));
			maxInFlight = Math.max(maxInFlight, open.size);
		});
	const finish = (index: number, error?: Error) => {
		const end = open.get(index);
		if (!end) throw new Error(`index ${index} is not in flight (in flight: ${[...open.keys()].join(', ') || 'none'})`);
		open.delete(index);
		end(error);
	};
	return { work, finish, started, open, maxInFlight: () => maxInFlight };
}

/** Lets the limiter react to what just finished (its lanes continue on the promise jobs queue). */
const settle = () => new Promise((resolve) => setImmediate(resolve));

/** Tracks whether a promise has settled, without handling its rejection for the caller. */
function watch(promise: Promise<void>) {
	const state = { settled: false };
	promise.then(
		() => (state.settled = true),
		() => (state.settled = true),
	);
	return state;
}

describe('forEachBounded without failures', () => {
	test.each([
		// [count, limit, most in flight]
		[10, 3, 3],
		[3, 10, 3],
		[7, 7, 7],
		[5, 1, 1],
		[1, 4, 1],
		[4, 0, 1], // a limit below 1 still runs, one at a time
		[0, 3, 0],
	])('%i calls, limit %i: at most %i in flight, every index once, done when the last is', async (count, limit, most) => {
		const held = heldWork();
		const run = forEachBounded(count, limit, held.work);
		const done = watch(run);
		await settle();
		while (held.open.size > 0) {
			expect(done.settled).toBe(false);
			// Newest first, so calls finish out of the order they started in.
			held.finish(Math.max(...held.open.keys()));
			await settle();
		}
		expect([...held.started].sort((a, b) => a - b)).toEqual(Array.from({ length: count }, (_, i) => i));
		expect(held.maxInFlight()).toBe(most);
		expect(done.settled).toBe(true);
		await expect(run).resolves.toBeUndefined();
	});
});

describe('forEachBounded with failures', () => {
	type Step = [index: number, outcome: 'ok' | 'fail'];
	test.each<[string, number, number, Step[], number, number[]]>([
		// [case, count, limit, calls ended in this order, index whose error is thrown, indexes started]
		['one failure among calls in flight', 10, 3, [[1, 'fail'], [0, 'ok'], [2, 'ok']], 1, [0, 1, 2]],
		['a lower index failing after a higher one', 10, 3, [[2, 'fail'], [1, 'fail'], [0, 'ok']], 1, [0, 1, 2]],
		['the lowest failing first', 10, 3, [[0, 'fail'], [2, 'fail'], [1, 'ok']], 0, [0, 1, 2]],
		['one at a time, as a plain loop stops', 6, 1, [[0, 'ok'], [1, 'ok'], [2, 'fail']], 2, [0, 1, 2]],
		['a failure after others finished and later ones started', 6, 2, [[0, 'ok'], [1, 'ok'], [3, 'fail'], [2, 'ok']], 3, [0, 1, 2, 3]],
	])('%s', async (_case, count, limit, steps, thrownIndex, started) => {
		const held = heldWork();
		const errors = Array.from({ length: count }, (_, i) => new Error(`call ${i} failed`));
		const run = forEachBounded(count, limit, held.work);
		const done = watch(run);
		for (const [index, outcome] of steps) {
			// Settles only once nothing is in flight any more: no call is left running behind it.
			expect(done.settled).toBe(false);
			held.finish(index, outcome === 'fail' ? errors[index] : undefined);
			await settle();
		}
		// Checked before waiting for the run: a call started after the failure would keep it open.
		expect(held.started).toEqual(started);
		expect(held.open.size).toBe(0);
		expect(done.settled).toBe(true);
		await expect(run).rejects.toBe(errors[thrownIndex]);
	});
});
