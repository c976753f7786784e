/**
 * Runs `work(0..count-1)` with at most `limit` calls in flight; each index runs once. Results are
 * the caller's to place by index, so output order is input order whatever finishes first.
 *
 * When a call throws, no further index is started, the calls in flight are awaited (nothing is
 * left running after the node ends), and the error of the LOWEST failed index is thrown: the
 * same error a one-at-a-time run would have stopped on.
 */
export async function forEachBounded(
	count: number,
	limit: number,
	work: (index: number) => Promise<void>,
): Promise<void> {
	let next = 0;
	const failed: { index: number; error?: unknown } = { index: Infinity };
	const lane = async () => {
		while (next < count && failed.index === Infinity) {
			const index = next++;
			try {
				await work(index);
			} catch (error) {
				if (index < failed.index) Object.assign(failed, { index, error });
			}
		}
	};
	await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, count)) }, lane));
	if (failed.index !== Infinity) throw failed.error;
}
