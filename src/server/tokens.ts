/**
 * Creating and revoking API tokens with their audit entries, shared by `vigil token` (on
 * the embedded store) and the tokens API. Each change and its audit entry commit in one
 * transaction. Audit details carry the token's name, role and scope, never the secret.
 */
import { VigilError } from "../errors.js";
import type { CreatedToken, NewToken, Store, TokenRecord } from "../store/index.js";

export async function createTokenAudited(
  store: Store,
  input: NewToken,
  actor: string,
): Promise<CreatedToken> {
  return store.transaction(async (tx) => {
    const created = await tx.createToken(input);
    const r = created.record;
    await tx.appendAudit({
      actor,
      action: "token.create",
      subject: `token:${r.id}`,
      details: { name: r.name, role: r.role, modelScope: r.modelScope, hashPrefix: r.hashPrefix },
    });
    return created;
  });
}

/**
 * Revokes token `id`. Returns the record after the change and whether this call revoked it
 * (false when it was already revoked: nothing is written then). Unknown id:
 * VIGIL_TOKEN_NOT_FOUND.
 */
export async function revokeTokenAudited(
  store: Store,
  id: number,
  actor: string,
  at: number = Date.now(),
): Promise<{ record: TokenRecord; revoked: boolean }> {
  return store.transaction(async (tx) => {
    const revoked = await tx.revokeToken(id, at);
    const record = await tx.getToken(id);
    if (record === undefined) {
      throw new VigilError("VIGIL_TOKEN_NOT_FOUND", `No API token has id ${id}.`);
    }
    if (revoked) {
      await tx.appendAudit({
        actor,
        action: "token.revoke",
        subject: `token:${id}`,
        details: { name: record.name, role: record.role },
        time: at,
      });
    }
    return { record, revoked };
  });
}

/** True when an active (not revoked) admin token exists. */
export async function hasActiveAdmin(store: Store): Promise<boolean> {
  const tokens = await store.listTokens();
  return tokens.some((t) => t.role === "admin" && t.revokedAt === null);
}
