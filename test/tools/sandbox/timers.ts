/**
 * Every timer of a sandbox goes through here, so close() can clear them all and jest exits
 * without --forceExit.
 */
export class Timers {
	private readonly pending = new Set<NodeJS.Timeout>();
	private closed = false;

	get isClosed(): boolean {
		return this.closed;
	}

	set(fn: () => void, ms: number): NodeJS.Timeout | undefined {
		if (this.closed) return undefined;
		const timer = setTimeout(() => {
			this.pending.delete(timer);
			fn();
		}, Math.max(0, ms));
		this.pending.add(timer);
		return timer;
	}

	clear(timer: NodeJS.Timeout | undefined): void {
		if (!timer) return;
		clearTimeout(timer);
		this.pending.delete(timer);
	}

	/** Resolves after ms; never resolves once the sandbox is closed (its work is abandoned). */
	delay(ms: number): Promise<void> {
		return new Promise((resolve) => {
			this.set(resolve, ms);
		});
	}

	close(): void {
		this.closed = true;
		for (const timer of this.pending) clearTimeout(timer);
		this.pending.clear();
	}
}
