/** PyTorch's MultiStepLR: lr = base · gamma^(number of milestones ≤ epoch), epochs counted from 0. */
export function multiStepLr(baseLr: number, epoch: number, milestones: readonly number[], gamma: number): number {
  const passed = milestones.filter((m) => epoch >= m).length;
  return baseLr * gamma ** passed;
}
