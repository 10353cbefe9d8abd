package lab.grokking.core.sweep;

/**
 * One run's outcome and the steps behind it: {@code fitStep} (train held its level from here to the end, or first
 * reached it for a collapse), {@code transitionStep} (test held its level from here; for a misgrokking or a collapse,
 * the step where the level was last lost), {@code delay} = transition − fit for grokked and generalised runs. Null
 * where a step does not apply. {@code reason} says in words why this outcome.
 */
public record Classification(Outcome outcome, Long fitStep, Long transitionStep, Long delay, String reason) {}
