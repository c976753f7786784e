/**
 * Workflow JSON builders for engine tests: the same shape n8n's editor exports, so what the tests
 * run is what a user would import.
 */
import { randomUUID } from 'node:crypto';

import type { IDataObject } from 'n8n-workflow';

export const PORTALDUCT = 'n8n-nodes-portalduct.portalDuct';
export const PORTALDUCT_TRIGGER = 'n8n-nodes-portalduct.portalDuctTrigger';
export const CREDENTIAL_ID = 'PortalDuctSandbx';
export const credentialRef = { portalDuctApi: { id: CREDENTIAL_ID, name: 'PortalDuct sandbox' } };

export interface WorkflowJson {
	name: string;
	nodes: IDataObject[];
	connections: IDataObject;
	settings?: IDataObject;
}

/** n8n's node setting "On Error": stop, continue (using regular output), continue (using error output). */
export type OnErrorSetting = 'stopWorkflow' | 'continueRegularOutput' | 'continueErrorOutput';

/** A manual trigger into one PortalDuct node called "PortalDuct". */
export function singleAction(
	parameters: IDataObject,
	options: { continueOnFail?: boolean; onError?: OnErrorSetting } = {},
): WorkflowJson {
	const onError = options.onError ?? (options.continueOnFail ? 'continueRegularOutput' : undefined);
	return {
		name: 'test',
		nodes: [
			{
				id: 'trigger',
				name: 'Start',
				type: 'n8n-nodes-base.manualTrigger',
				typeVersion: 1,
				position: [0, 0],
				parameters: {},
			},
			{
				id: 'portalduct',
				name: 'PortalDuct',
				type: PORTALDUCT,
				typeVersion: 1,
				position: [200, 0],
				parameters,
				credentials: credentialRef,
				...(onError ? { onError } : {}),
			},
		],
		connections: { Start: { main: [[{ node: 'PortalDuct', type: 'main', index: 0 }]] } },
		settings: { executionOrder: 'v1' },
	};
}

/** Items as a previous node would hand them over. */
export function itemsOf(rows: IDataObject[]) {
	return rows.map((json) => ({ json }));
}

/** A fresh v4 UUID, so tests never collide. */
export const uuid = (): string => randomUUID();
