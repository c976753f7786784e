/**
 * What n8n's credentials table would hold: one row per credential id. Data is kept as a JSON
 * string, like n8n's (encrypted) column, so anything a credential hook returns goes through the
 * same JSON round trip (Dates become strings, undefined disappears) and every read is a fresh copy.
 */
import { ICredentials, type ICredentialDataDecryptedObject, type ICredentialsEncrypted } from 'n8n-workflow';

interface StoredRow {
	id: string;
	name: string;
	type: string;
	json: string;
}

export class CredentialStore {
	private readonly rows = new Map<string, StoredRow>();

	private updateCount = 0;

	/** Creates or replaces a credential (what importing or saving it in n8n does). */
	set(id: string, type: string, data: ICredentialDataDecryptedObject, name = `${type} ${id}`): void {
		this.rows.set(id, { id, name, type, json: JSON.stringify(data) });
	}

	/** The stored data (a fresh copy), or undefined. */
	get(id: string): ICredentialDataDecryptedObject | undefined {
		const row = this.rows.get(id);
		return row ? (JSON.parse(row.json) as ICredentialDataDecryptedObject) : undefined;
	}

	typeOf(id: string): string | undefined {
		return this.rows.get(id)?.type;
	}

	nameOf(id: string): string | undefined {
		return this.rows.get(id)?.name;
	}

	has(id: string): boolean {
		return this.rows.has(id);
	}

	delete(id: string): boolean {
		return this.rows.delete(id);
	}

	ids(): string[] {
		return [...this.rows.keys()];
	}

	/** How many times n8n wrote a credential back (preAuthentication output, OAuth token data). */
	get updates(): number {
		return this.updateCount;
	}

	/** The write n8n's credentials helper makes; counted in `updates`. */
	update(id: string, data: ICredentialDataDecryptedObject): void {
		const row = this.rows.get(id);
		if (!row) throw new Error(`Credential "${id}" does not exist`);
		row.json = JSON.stringify(data);
		this.updateCount++;
	}

	/** An `ICredentials` over one stored row, as n8n's helper returns from `getCredentials`. */
	credentials(id: string): ICredentials {
		const row = this.rows.get(id);
		if (!row) throw new Error(`Credential "${id}" does not exist`);
		return new StoredCredentials(this, row);
	}
}

class StoredCredentials extends ICredentials {
	constructor(
		private readonly store: CredentialStore,
		row: StoredRow,
	) {
		super({ id: row.id, name: row.name }, row.type, row.json);
	}

	async getData(): Promise<ICredentialDataDecryptedObject> {
		return this.store.get(this.id as string) ?? {};
	}

	getDataToSave(): ICredentialsEncrypted {
		return { id: this.id, name: this.name, type: this.type, data: JSON.stringify(this.store.get(this.id as string)) };
	}

	async setData(data: ICredentialDataDecryptedObject): Promise<void> {
		this.store.update(this.id as string, data);
	}

	async updateData(
		toUpdate: Partial<ICredentialDataDecryptedObject>,
		toDelete: Array<keyof ICredentialDataDecryptedObject> = [],
	): Promise<void> {
		const data = { ...(await this.getData()), ...toUpdate };
		for (const key of toDelete) delete data[key as string];
		await this.setData(data as ICredentialDataDecryptedObject);
	}
}
