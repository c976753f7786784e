/**
 * Node and credential types, loaded from a built package by n8n-core's PackageDirectoryLoader: the
 * loader n8n uses for installed community packages (reads the package.json `n8n` block, requires
 * each listed file, checks that its export is named after the file, fixes icon paths, adds codex).
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

import { PackageDirectoryLoader } from 'n8n-core';
import {
	NodeHelpers,
	type ICredentialType,
	type IDataObject,
	type INodeType,
	type INodeTypes,
	type IVersionedNodeType,
} from 'n8n-workflow';

import { builtinNodeTypes } from './builtin-nodes';

export interface LoadedPackage {
	packageName: string;
	packageDir: string;
	loader: PackageDirectoryLoader;
}

/** The repository root: the nearest package.json above this file (also from a compiled dist/). */
export function repositoryRoot(from = __dirname): string {
	let dir = from;
	while (!existsSync(join(dir, 'package.json'))) {
		const parent = dirname(dir);
		if (parent === dir) throw new Error(`No package.json above ${from}`);
		dir = parent;
	}
	return dir;
}

export async function loadPackage(packageDir: string): Promise<LoadedPackage> {
	const dir = resolve(packageDir);
	const loader = new PackageDirectoryLoader(dir);
	try {
		await loader.loadAll();
	} catch (error) {
		const message = error instanceof Error ? error.message : String(error);
		const failure = new Error(
			`Could not load the n8n package in ${dir} (${message}). Is it built (npm run build) and does ` +
				'its package.json `n8n` block list the compiled .js files?',
		);
		Object.assign(failure, { cause: error });
		throw failure;
	}
	return { packageName: loader.packageName, packageDir: dir, loader };
}

/** `INodeTypes` over the package's nodes ('<package>.<name>') plus the built-in stand-ins. */
export class HarnessNodeTypes implements INodeTypes {
	private readonly types = new Map<string, INodeType | IVersionedNodeType>();

	constructor(loaded: LoadedPackage) {
		for (const [name, type] of builtinNodeTypes()) this.types.set(name, type);
		for (const [name, { type }] of Object.entries(loaded.loader.nodeTypes)) {
			this.types.set(`${loaded.packageName}.${name}`, type);
		}
	}

	getByName(nodeType: string): INodeType | IVersionedNodeType {
		const type = this.types.get(nodeType);
		if (type === undefined) {
			throw new Error(
				`Unknown node type "${nodeType}". The harness knows: ${this.names().join(', ')}. ` +
					'Other n8n-nodes-base nodes are not available here.',
			);
		}
		return type;
	}

	getByNameAndVersion(nodeType: string, version?: number): INodeType {
		return NodeHelpers.getVersionedNodeType(this.getByName(nodeType), version);
	}

	getKnownTypes(): IDataObject {
		return Object.fromEntries(this.names().map((name) => [name, { className: name }]));
	}

	names(): string[] {
		return [...this.types.keys()];
	}
}

/** The package's credential types, with n8n's `extends` chain. */
export class HarnessCredentialTypes {
	constructor(private readonly loaded: LoadedPackage) {}

	recognizes(type: string): boolean {
		return type in this.loaded.loader.credentialTypes;
	}

	getByName(type: string): ICredentialType {
		const entry = this.loaded.loader.credentialTypes[type];
		if (entry === undefined) {
			const known = Object.keys(this.loaded.loader.credentialTypes).join(', ') || 'none';
			throw new Error(`Unknown credential type "${type}" (package ${this.loaded.packageName} has: ${known})`);
		}
		return entry.type;
	}

	/** All ancestors, nearest first, as n8n's CredentialTypes.getParentTypes returns them. */
	getParentTypes(type: string): string[] {
		const parents = this.recognizes(type) ? (this.getByName(type).extends ?? []) : [];
		return parents.flatMap((parent) => [parent, ...this.getParentTypes(parent)]);
	}

	/** Full node type names ('<package>.<node>') that list this credential. */
	getSupportedNodes(type: string): string[] {
		const shortNames = this.recognizes(type) ? (this.getByName(type).supportedNodes ?? []) : [];
		return shortNames.map((name) => `${this.loaded.packageName}.${name}`);
	}
}
