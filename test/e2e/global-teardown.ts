/** Placeholder: the plain-process stack is stopped here (issue: gateway and stacks). */
export default function globalTeardown(): void {}
