'use client';

import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';

export interface TrendRow {
  /** UTC day, `2026-11-30`. */
  day: string;
  baseline?: number;
  restricted?: number;
}

/**
 * Violating workloads per day for baseline and restricted (Recharts). The figures are also given in words through
 * the figure's label and a table for screen readers, so the chart is never the only way to read them.
 */
export function TrendChart({ rows, label, height = 220 }: { rows: TrendRow[]; label: string; height?: number }) {
  if (rows.length === 0) return <p className="muted small">No daily figures yet: the worker builds one per UTC day, so the trend starts tomorrow.</p>;
  const last = rows.at(-1)!;
  const summary = `${label}: ${rows.length} days from ${rows[0]!.day} to ${last.day}; latest baseline ${last.baseline ?? 0}, restricted ${last.restricted ?? 0} violating workloads.`;
  return (
    <figure style={{ margin: 0 }} aria-label={summary} data-trend-days={rows.length}>
      <div role="img" aria-label={summary} style={{ width: '100%', height }}>
        <ResponsiveContainer width="100%" height="100%">
          <LineChart data={rows} margin={{ top: 8, right: 16, bottom: 4, left: 0 }}>
            <CartesianGrid stroke="var(--border)" strokeDasharray="3 3" />
            <XAxis dataKey="day" stroke="var(--muted)" tick={{ fontSize: 12 }} />
            <YAxis allowDecimals={false} stroke="var(--muted)" tick={{ fontSize: 12 }} width={40} />
            <Tooltip contentStyle={{ background: 'var(--panel)', border: '1px solid var(--border)', color: 'var(--fg)' }} />
            <Legend />
            <Line type="monotone" dataKey="baseline" name="baseline" stroke="var(--warn)" strokeWidth={2} dot={rows.length < 3} isAnimationActive={false} />
            <Line type="monotone" dataKey="restricted" name="restricted" stroke="var(--accent)" strokeWidth={2} strokeDasharray="6 3" dot={rows.length < 3} isAnimationActive={false} />
          </LineChart>
        </ResponsiveContainer>
      </div>
      <figcaption className="skip-text">
        <table>
          <caption>{label}</caption>
          <thead>
            <tr>
              <th scope="col">Day</th>
              <th scope="col">baseline</th>
              <th scope="col">restricted</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={row.day}>
                <td>{row.day}</td>
                <td>{row.baseline ?? '—'}</td>
                <td>{row.restricted ?? '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </figcaption>
    </figure>
  );
}
