export interface BreakerPolicy {
  /** Consecutive failing batches that open the circuit. */
  readonly failures: number
  readonly cooldownMs: number
  /** Each reopening after a failed probe doubles the cooldown, up to this. */
  readonly maxCooldownMs: number
}

interface State {
  failures: number
  openUntil: number
  cooldownMs: number
}

/**
 * Per service: a database that keeps failing to connect is left alone for a cooldown instead of
 * being hammered by every queued operation. After the cooldown one batch probes it (half-open);
 * success closes the circuit, failure reopens it for twice as long.
 */
export class CircuitBreaker {
  private readonly states = new Map<string, State>()

  constructor(
    private readonly policy: BreakerPolicy,
    private readonly now: () => number = Date.now,
  ) {}

  private state(service: string): State {
    let s = this.states.get(service)
    if (!s) {
      s = { failures: 0, openUntil: 0, cooldownMs: this.policy.cooldownMs }
      this.states.set(service, s)
    }
    return s
  }

  /** May a batch for this service be started now? */
  allows(service: string): boolean {
    return this.now() >= this.state(service).openUntil
  }

  /** When the circuit of this service closes again (0 when it is closed). */
  openUntil(service: string): number {
    const until = this.state(service).openUntil
    return until > this.now() ? until : 0
  }

  success(service: string): void {
    const s = this.state(service)
    s.failures = 0
    s.openUntil = 0
    s.cooldownMs = this.policy.cooldownMs
  }

  failure(service: string): void {
    const s = this.state(service)
    const probing = s.openUntil !== 0
    s.failures += 1
    if (probing || s.failures >= this.policy.failures) {
      s.openUntil = this.now() + s.cooldownMs
      if (probing) s.cooldownMs = Math.min(this.policy.maxCooldownMs, s.cooldownMs * 2)
    }
  }
}
