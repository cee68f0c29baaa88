// The parts of systeminformation the live host loads directly (the package types only its index).
declare module 'systeminformation/lib/osinfo.js' {
  import type * as Si from 'systeminformation';
  export const osInfo: typeof Si.osInfo;
}
declare module 'systeminformation/lib/system.js' {
  import type * as Si from 'systeminformation';
  export const system: typeof Si.system;
  export const bios: typeof Si.bios;
}
declare module 'systeminformation/lib/filesystem.js' {
  import type * as Si from 'systeminformation';
  export const diskLayout: typeof Si.diskLayout;
}
