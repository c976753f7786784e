/**
 * The node's Options, shown under every action: how many requests may be in flight at once and
 * how long each may wait. Read once per execution (item 0), before any request.
 */
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { runLimits, type RunOptions } from './transport/run';
import { invalidField } from './validation';

export const runOptionsField: INodeProperties = {
	displayName: 'Options',
	name: 'options',
	type: 'collection',
	placeholder: 'Add option',
	default: {},
	options: [
		{
			displayName: 'Concurrency',
			name: 'concurrency',
			type: 'number',
			typeOptions: { minValue: 1, maxValue: runLimits.maxConcurrency },
			// runLimits.defaultConcurrency, written out: n8n's linter wants a literal default.
			default: 100,
			description:
				'How many requests to PortalDuct may be in flight at once. Output order stays the input order. 1 sends one item after another.',
		},
		{
			displayName: 'Timeout',
			name: 'timeout',
			type: 'number',
			typeOptions: { minValue: runLimits.minTimeoutMs, maxValue: runLimits.maxTimeoutMs },
			// runLimits.defaultTimeoutMs, written out for the same reason.
			default: 30000,
			description:
				'Time in ms to wait for each answer from PortalDuct. A timed-out read is tried again (up to 4 tries); a PortalDuct that stops answering fails the run within about 4 times this.',
		},
	],
};

function wholeNumber(
	ctx: IExecuteFunctions,
	value: unknown,
	label: string,
	min: number,
	max: number,
	fallback: number,
): number {
	if (value === undefined || value === '') return fallback;
	const n = typeof value === 'string' ? Number(value) : value;
	if (typeof n !== 'number' || !Number.isInteger(n) || n < min || n > max) {
		throw invalidField(ctx, 0, label, `a whole number from ${min} to ${max}`, value);
	}
	return n;
}

/** Throws NodeOperationError (item 0, naming the option) for a value out of its range. */
export function readRunOptions(ctx: IExecuteFunctions): RunOptions {
	const options = ctx.getNodeParameter('options', 0, {}) as IDataObject;
	return {
		concurrency: wholeNumber(
			ctx,
			options.concurrency,
			'Options > Concurrency',
			1,
			runLimits.maxConcurrency,
			runLimits.defaultConcurrency,
		),
		timeoutMs: wholeNumber(
			ctx,
			options.timeout,
			'Options > Timeout',
			runLimits.minTimeoutMs,
			runLimits.maxTimeoutMs,
			runLimits.defaultTimeoutMs,
		),
	};
}
