/** Small line icons (24px grid, currentColor), always beside or inside a labelled control. */
const PATHS = {
  send: 'M4 12 20 4l-4 16-4-7-8-1Zm8 1 8-9',
  back: 'M15 5 8 12l7 7',
  plus: 'M12 5v14M5 12h14',
  search: 'M11 18a7 7 0 1 1 0-14 7 7 0 0 1 0 14Zm5-2 4 4',
  settings:
    'M12 15a3 3 0 1 0 0-6 3 3 0 0 0 0 6Zm7.4-3a7.4 7.4 0 0 0-.1-1.2l2-1.6-2-3.4-2.4 1a7.6 7.6 0 0 0-2-1.2L14.5 3h-5l-.4 2.6a7.6 7.6 0 0 0-2 1.2l-2.4-1-2 3.4 2 1.6a7.4 7.4 0 0 0 0 2.4l-2 1.6 2 3.4 2.4-1a7.6 7.6 0 0 0 2 1.2l.4 2.6h5l.4-2.6a7.6 7.6 0 0 0 2-1.2l2.4 1 2-3.4-2-1.6c.1-.4.1-.8.1-1.2Z',
  message: 'M5 5h14v10H9l-4 4V5Z',
  users:
    'M9 11a3 3 0 1 0 0-6 3 3 0 0 0 0 6Zm-6 8c0-3 2.7-5 6-5s6 2 6 5M16 5.3a3 3 0 0 1 0 5.4M18 14c2 .6 3 2.4 3 5',
  down: 'M12 5v14m-6-6 6 6 6-6',
  edit: 'M4 20h4L19 9l-4-4L4 16v4Zm9-13 4 4',
  trash: 'M5 7h14M10 7V4h4v3m-7 0 1 13h8l1-13',
  close: 'M6 6l12 12M18 6 6 18',
  retry: 'M20 12a8 8 0 1 1-2.3-5.7M20 4v4h-4',
  lock: 'M7 11V8a5 5 0 0 1 10 0v3M5 11h14v9H5z',
  hash: 'M9 4 7 20M17 4l-2 16M4 9h16M3 15h16',
  logout: 'M10 5H5v14h5m4-11 4 4-4 4m4-4H9',
  bell: 'M6 16V11a6 6 0 0 1 12 0v5l1.5 2h-15L6 16Zm4 4h4',
  at: 'M16 12a4 4 0 1 1-8 0 4 4 0 0 1 8 0Zm0 0v1.5a2.5 2.5 0 0 0 5 0V12a9 9 0 1 0-3.5 7.1',
  'bell-off': 'M6 16V11a6 6 0 0 1 9.5-4.9M18 11v5l1.5 2H8m2 2h4M4 4l16 16',
  link: 'M10 14a4 4 0 0 0 5.7 0l3-3a4 4 0 0 0-5.7-5.7l-1 1M14 10a4 4 0 0 0-5.7 0l-3 3a4 4 0 0 0 5.7 5.7l1-1',
  up: 'M12 19V5m-6 6 6-6 6 6',
  reply: 'M10 8 5 12l5 4M5 12h9a5 5 0 0 1 5 5v1',
  thread: 'M4 5h12v8H8l-4 3V5Zm16 4v10l-3-2h-7',
  smile: 'M12 21a9 9 0 1 1 0-18 9 9 0 0 1 0 18ZM8.5 14a4 4 0 0 0 7 0M9 9.5h.01M15 9.5h.01',
  pin: 'M9 4h6l-1 6 3 3H7l3-3-1-6Zm3 9v7',
  attach:
    'M20 11.5 12.4 19a5 5 0 0 1-7.1-7.1l8-8a3.3 3.3 0 0 1 4.7 4.7l-8 8a1.7 1.7 0 0 1-2.4-2.4L15 6.9',
  file: 'M6 3h8l4 4v14H6V3Zm8 0v4h4M9 12h6M9 16h6',
  download: 'M12 4v11m-5-5 5 5 5-5M5 20h14',
} as const;

export type IconName = keyof typeof PATHS;

export function Icon({ name }: { name: IconName }) {
  return (
    <svg className="icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
      <path d={PATHS[name]} />
    </svg>
  );
}
