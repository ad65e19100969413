export const MODE_SETUID = 0o4000;
export const MODE_SETGID = 0o2000;
export const MODE_STICKY = 0o1000;

export function isSetuid(stat: { mode: number }): boolean {
  return (stat.mode & MODE_SETUID) !== 0;
}

export function isSetgid(stat: { mode: number }): boolean {
  return (stat.mode & MODE_SETGID) !== 0;
}

export function isSticky(stat: { mode: number }): boolean {
  return (stat.mode & MODE_STICKY) !== 0;
}

export function isWorldWritable(stat: { mode: number }): boolean {
  return (stat.mode & 0o002) !== 0;
}
