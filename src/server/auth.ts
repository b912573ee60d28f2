/**
 * Bearer-token authentication for the server, with a short-lived cache so the ingest path
 * does not hit the database on every request. Tokens are only ever handled as their sha256:
 * the cache is keyed by it and the store compares hashes with timingSafeEqual, so neither
 * the lookup nor the comparison leaks how much of a guessed token was right.
 */
import { hashToken, type Store, type TokenRecord } from "../store/index.js";
import type { Principal, ServerContext } from "./route.js";

/** Default time a verified token is trusted without asking the store again. */
export const DEFAULT_TOKEN_CACHE_MS = 5_000;
/** Entries kept at most; the cache is emptied when full (a burst of distinct tokens). */
const MAX_ENTRIES = 10_000;
const SERVICE_KEY = "vigil.auth";

interface Entry {
  principal: Principal;
  expires: number;
}

export class TokenAuth {
  private readonly cache = new Map<string, Entry>();

  constructor(
    private readonly store: Store,
    private readonly now: () => number,
    private readonly ttlMs: number = DEFAULT_TOKEN_CACHE_MS,
  ) {}

  /**
   * The principal of a raw bearer token, or undefined (unknown, malformed, revoked). A token
   * revoked through another process (the CLI, another instance) stops working within ttlMs;
   * revocations through this server's API take effect at once (see `forget`).
   */
  async verify(token: string): Promise<Principal | undefined> {
    const hit = this.cached(token);
    if (hit !== undefined) return hit;
    const key = hashToken(token);
    const now = this.now();
    const record = await this.store.verifyToken(token);
    if (record === undefined) {
      this.cache.delete(key);
      return undefined;
    }
    const principal = toPrincipal(record);
    if (this.ttlMs > 0) {
      if (this.cache.size >= MAX_ENTRIES) this.cache.clear();
      this.cache.set(key, { principal, expires: now + this.ttlMs });
    }
    return principal;
  }

  /** The principal of a token verified less than ttlMs ago, without asking the store. */
  cached(token: string): Principal | undefined {
    if (this.ttlMs <= 0) return undefined;
    const hit = this.cache.get(hashToken(token));
    return hit !== undefined && hit.expires > this.now() ? hit.principal : undefined;
  }

  /** Drops every cached entry of a token id (after revoking it). */
  forget(tokenId: number): void {
    for (const [key, entry] of this.cache) {
      if (entry.principal.tokenId === tokenId) this.cache.delete(key);
    }
  }
}

export function toPrincipal(record: TokenRecord): Principal {
  return {
    tokenId: record.id,
    name: record.name,
    role: record.role,
    models: record.modelScope === null ? null : Object.freeze([...record.modelScope]),
  };
}

/** Registers the server's TokenAuth so routes (token revocation) can reach it. */
export function installTokenAuth(ctx: ServerContext, auth: TokenAuth): void {
  ctx.services.set(SERVICE_KEY, auth);
}

/** The server's TokenAuth, if the context belongs to a running server. */
export function tokenAuth(ctx: ServerContext): TokenAuth | undefined {
  const auth = ctx.services.get(SERVICE_KEY);
  return auth instanceof TokenAuth ? auth : undefined;
}

/** The raw token from an `Authorization: Bearer ...` header, or undefined. */
export function bearerToken(header: string | string[] | undefined): string | undefined {
  if (typeof header !== "string") return undefined;
  // Scheme names are case-insensitive (RFC 9110 section 11.1).
  if (header.length < 8 || header.slice(0, 7).toLowerCase() !== "bearer ") return undefined;
  const token = header.slice(7).trim();
  return token.length > 0 ? token : undefined;
}
