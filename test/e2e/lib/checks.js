'use strict';
// A tiny recorder of named checks: each prints one line as it ends, and the totals feed the summary.

class Checks {
	constructor(prefix) {
		this.prefix = prefix;
		this.passed = 0;
		this.failed = 0;
		this.skipped = 0;
		this.failures = [];
	}

	/** Runs one check; a throw fails it (with the message) and the run goes on. Returns fn's value. */
	async check(name, fn) {
		const started = Date.now();
		try {
			const value = await fn();
			this.passed++;
			console.log(`ok   ${this.prefix} ${name} (${Date.now() - started} ms)`);
			return value;
		} catch (error) {
			this.failed++;
			this.failures.push(`${this.prefix} ${name}`);
			console.log(`FAIL ${this.prefix} ${name} (${Date.now() - started} ms)\n${indent(error?.stack ?? String(error))}`);
			return undefined;
		}
	}

	/** Like check, but a failure stops the line: later checks would only repeat it. */
	async step(name, fn) {
		const before = this.failed;
		const value = await this.check(name, fn);
		if (this.failed > before) throw new StepFailed(name);
		return value;
	}

	/** Runs a block of checks; only an error escaping the block itself counts (as one failure). */
	async guard(name, fn) {
		try {
			await fn();
		} catch (error) {
			if (error instanceof StepFailed) throw error;
			this.failed++;
			this.failures.push(`${this.prefix} ${name}`);
			console.log(`FAIL ${this.prefix} ${name}: stopped early\n${indent(error?.stack ?? String(error))}`);
		}
	}

	skip(name, reason) {
		this.skipped++;
		console.log(`skip ${this.prefix} ${name}: ${reason}`);
	}

	totals() {
		return { passed: this.passed, failed: this.failed, skipped: this.skipped, failures: this.failures };
	}
}

class StepFailed extends Error {}

const indent = (text) =>
	String(text)
		.split('\n')
		.slice(0, 40)
		.map((l) => `     | ${l}`)
		.join('\n');

module.exports = { Checks, StepFailed };
