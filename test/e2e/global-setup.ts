/** Placeholder: the plain-process stack is started here (issue: gateway and stacks). */
export default function globalSetup(): void {}
