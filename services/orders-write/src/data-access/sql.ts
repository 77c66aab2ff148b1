/** `?, ?, ?` for an `in (...)` list of `count` bound values. */
export const placeholders = (count: number): string => Array.from({ length: count }, () => '?').join(', ');
