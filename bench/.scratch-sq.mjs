import Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
const N = 1000000;
const data = 'x'.repeat(520);
const ids = Array.from({length:N}, () => randomBytes(16));
const seq = Array.from({length:N}, (_, i) => { const b = randomBytes(16); b.writeUInt32BE(Math.floor((i%7)*1000 + i/100000), 0); return b; });
const keys = Array.from({length:N}, () => randomBytes(16));
const variants = process.argv.slice(2).map(v => v.split(':'));
for (const [name, batchS, idk, extra] of variants) {
  const batch = Number(batchS), idset = idk === 'seq' ? seq : ids;
  for (const f of ['', '-wal', '-shm']) rmSync('/tmp/accord-gen-sq.db' + f, {force:true});
  const db = new Database('/tmp/accord-gen-sq.db');
  db.pragma(extra === 'off' ? 'journal_mode = OFF' : 'journal_mode = WAL');
  db.pragma('synchronous = NORMAL'); db.pragma('cache_size = -262144');
  if (extra === 'bigpage') db.pragma('page_size = 16384');
  db.exec(`CREATE TABLE events (rowid INTEGER PRIMARY KEY, id BLOB NOT NULL, obs_key BLOB NOT NULL, feed TEXT NOT NULL, seen_at INTEGER NOT NULL, data TEXT NOT NULL)`);
  db.exec('CREATE UNIQUE INDEX events_id ON events(id)');
  const st = db.prepare('INSERT INTO events(id, obs_key, feed, seen_at, data) VALUES (?, ?, ?, ?, ?) ON CONFLICT(id) DO NOTHING');
  const tx = db.transaction((a, b) => { for (let i = a; i < b; i++) st.run(idset[i], keys[i], 'event4_sinkhole', 1614816000000 + i, data); });
  const t = performance.now(); const c = process.cpuUsage();
  for (let i = 0; i < N; i += batch) tx(i, Math.min(N, i + batch));
  const cu = process.cpuUsage(c); const wall = (performance.now() - t)/1000; const cpu = (cu.user + cu.system)/1e6;
  console.log(name.padEnd(14), 'wall', wall.toFixed(2), 'cpu', cpu.toFixed(2), 'user', (cu.user/1e6).toFixed(2), 'sys', (cu.system/1e6).toFixed(2), '→', Math.round(N / cpu), 'rows per cpu-s');
  db.close();
}
