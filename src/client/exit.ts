/**
 * Sending what is buffered when the process ends, without changing how it ends.
 *
 * - `beforeExit` (the event loop ran dry; not emitted for process.exit() or a fatal
 *   exception): every client with items left drains them, bounded by its exit deadline.
 *   The requests and the deadline timer keep the loop alive; when they finish the loop is
 *   empty again and the process exits as it would have.
 * - `SIGTERM`: a listener replaces Node's default (terminate). So when the clients' listener
 *   is the only one, after draining it removes itself and sends SIGTERM to the process
 *   again, which now terminates it the default way (killed by SIGTERM, as before). When the
 *   application has its own SIGTERM listener, that listener owns the exit; the clients only
 *   start draining. A second SIGTERM while draining re-raises at once.
 *
 * One pair of process listeners serves every client; they are removed with the last client.
 */

export interface ExitParticipant {
  /** Items still to send. */
  pending(): boolean;
  /** Sends what is left, giving up at the client's exit deadline. Never rejects. */
  drainForExit(): Promise<void>;
}

const participants = new Set<ExitParticipant>();
let installed = false;
let beforeExitDrain: Promise<void> | undefined;
let sigtermDrain: Promise<void> | undefined;

function drainAll(): Promise<void> {
  const busy = [...participants].filter((p) => p.pending());
  return Promise.all(busy.map((p) => p.drainForExit())).then(() => undefined);
}

function onBeforeExit(): void {
  if (beforeExitDrain) return;
  if (![...participants].some((p) => p.pending())) return;
  beforeExitDrain = drainAll().finally(() => {
    beforeExitDrain = undefined;
  });
}

function reraiseSigterm(): void {
  process.removeListener("SIGTERM", onSigterm);
  process.kill(process.pid, "SIGTERM");
}

function onSigterm(): void {
  // Decided now: does anyone else handle SIGTERM (then we must not kill the process)?
  const alone = process.listeners("SIGTERM").every((l) => l === onSigterm);
  if (sigtermDrain) {
    if (alone) reraiseSigterm();
    return;
  }
  sigtermDrain = drainAll().finally(() => {
    sigtermDrain = undefined;
    if (alone) reraiseSigterm();
    else if (!installed) process.removeListener("SIGTERM", onSigterm);
  });
}

function install(): void {
  if (installed) return;
  installed = true;
  process.on("beforeExit", onBeforeExit);
  process.on("SIGTERM", onSigterm);
}

function uninstall(): void {
  if (!installed) return;
  installed = false;
  process.removeListener("beforeExit", onBeforeExit);
  // While a SIGTERM drain runs the listener stays, so a second SIGTERM still re-raises.
  if (!sigtermDrain) process.removeListener("SIGTERM", onSigterm);
}

export function registerForExit(p: ExitParticipant): void {
  participants.add(p);
  install();
}

export function unregisterForExit(p: ExitParticipant): void {
  participants.delete(p);
  if (participants.size === 0) uninstall();
}
