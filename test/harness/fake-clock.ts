/**
 * Jest's fake timers for the named APIs only; every other one stays real, so HTTP, sockets and the
 * tests' own waits work as usual. Undo with `jest.useRealTimers()`.
 *
 * - `fakeOnly('Date')`: Date.now() stands still until the test moves it (`jest.setSystemTime`).
 *   The sandbox's token expiry and the node's session expiry read it (they run in the test's
 *   process), so "valid until the lifetime has passed" no longer races the machine's speed.
 * - `fakeOnly('setTimeout', 'clearTimeout')`: timers set from now on (e.g. the sandbox's
 *   pending -> success decision) fire when the test advances them (`jest.advanceTimersByTime`).
 */
/** What jest's fake timers (@sinonjs/fake-timers) replace in Node; Intl too, which @types/jest does not list. */
const FAKEABLE = [
	'Date',
	'hrtime',
	'nextTick',
	'performance',
	'queueMicrotask',
	'setImmediate',
	'clearImmediate',
	'setInterval',
	'clearInterval',
	'setTimeout',
	'clearTimeout',
	'Intl',
] as const;

type Fakeable = (typeof FAKEABLE)[number];

export function fakeOnly(...apis: Fakeable[]): void {
	const doNotFake = FAKEABLE.filter((api) => !apis.includes(api)) as FakeableAPI[];
	jest.useFakeTimers({ doNotFake, now: Date.now() });
}
