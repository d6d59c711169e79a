/** Parsers for command-line values that fail with a message naming the flag. */
import { InvalidArgumentError } from 'commander';

export function int(flag: string) {
  return (v: string): number => {
    if (!/^-?\d+$/.test(v)) throw new InvalidArgumentError(`${flag} takes an integer, got "${v}"`);
    return Number(v);
  };
}

export function num(flag: string) {
  return (v: string): number => {
    const n = Number(v);
    if (v.trim() === '' || !Number.isFinite(n)) throw new InvalidArgumentError(`${flag} takes a number, got "${v}"`);
    return n;
  };
}

export function intList(flag: string) {
  return (v: string): number[] => {
    if (v.trim() === '') return [];
    return v.split(',').map((s) => int(flag)(s.trim()));
  };
}

export function oneOf<T extends string>(flag: string, values: readonly T[]) {
  return (v: string): T => {
    if (!values.includes(v as T)) throw new InvalidArgumentError(`${flag} is one of ${values.join(', ')}, got "${v}"`);
    return v as T;
  };
}
