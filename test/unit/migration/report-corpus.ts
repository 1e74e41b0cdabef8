// A small, realistic project for the migration tests: documented functions in five languages (so
// self-supervised queries have something to come from), plus two planted duplicates: an exact copy of
// `editDistance` and a copy of `parseRetryAfter` with its identifiers renamed.

/** The function that is copied verbatim into src/legacy/text-utils.ts. */
const EDIT_DISTANCE = `/** Counts the single-character edits needed to turn one word into another. */
export function editDistance(source: string, target: string): number {
  const previous = Array.from({ length: target.length + 1 }, (_, index) => index);
  for (let row = 1; row <= source.length; row++) {
    const current = [row];
    for (let column = 1; column <= target.length; column++) {
      const substitution = previous[column - 1]! + (source[row - 1] === target[column - 1] ? 0 : 1);
      current.push(Math.min(previous[column]! + 1, current[column - 1]! + 1, substitution));
    }
    previous.splice(0, previous.length, ...current);
  }
  return previous[target.length]!;
}`;

export const MIGRATION_FILES: Record<string, string> = {
  'src/http/client.ts': `import { setTimeout as sleep } from 'node:timers/promises';

/** Downloads a JSON document over HTTP, trying again when the server is busy. */
export async function fetchJson(url: string, attempts = 3): Promise<unknown> {
  for (let attempt = 1; ; attempt++) {
    const response = await fetch(url);
    if (response.ok) return response.json();
    if (attempt >= attempts || response.status < 500) throw new Error(\`GET \${url} failed with \${response.status}\`);
    await sleep(parseRetryAfter(response.headers.get('retry-after')) ?? 1000 * attempt);
  }
}

/** Turns the Retry-After header into a wait in milliseconds, or undefined when it is missing or malformed. */
export function parseRetryAfter(header: string | null): number | undefined {
  if (header === null) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(header);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - Date.now());
}

/** Encodes an object's fields as a URL query string, skipping empty values. */
export function buildQueryString(parameters: Record<string, string | number | undefined>): string {
  const pairs = Object.entries(parameters)
    .filter(([, value]) => value !== undefined && value !== '')
    .map(([key, value]) => \`\${encodeURIComponent(key)}=\${encodeURIComponent(String(value))}\`);
  return pairs.length > 0 ? \`?\${pairs.join('&')}\` : '';
}
`,
  'src/text/strings.ts': `/** Makes a lowercase, dash-separated version of a title that is safe to use in a URL. */
export function slugify(title: string): string {
  return title
    .normalize('NFKD')
    .replace(/[\\u0300-\\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

/** Shortens a long sentence to a maximum length and adds an ellipsis at the end. */
export function truncate(sentence: string, maximum: number): string {
  if (sentence.length <= maximum) return sentence;
  const cut = sentence.slice(0, Math.max(0, maximum - 1));
  return \`\${cut.trimEnd()}…\`;
}

${EDIT_DISTANCE}

/** Upper-cases the first letter of every word in a sentence. */
export function capitalizeWords(sentence: string): string {
  return sentence
    .split(' ')
    .map((word) => (word.length > 0 ? word[0]!.toUpperCase() + word.slice(1) : word))
    .join(' ');
}
`,
  'src/storage/cache.ts': `/** Keeps the most recently used entries in memory and forgets the oldest when it is full. */
export class LruCache<K, V> {
  private readonly entries = new Map<K, V>();

  constructor(private readonly capacity: number) {}

  /** Looks up a value and marks it as recently used. */
  get(key: K): V | undefined {
    const value = this.entries.get(key);
    if (value === undefined) return undefined;
    this.entries.delete(key);
    this.entries.set(key, value);
    return value;
  }

  /** Stores a value, evicting the least recently used entry when the cache is over capacity. */
  set(key: K, value: V): void {
    this.entries.delete(key);
    this.entries.set(key, value);
    if (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next().value as K;
      this.entries.delete(oldest);
    }
  }
}

/** Remembers the result of an expensive function for a limited time in seconds. */
export function memoizeWithExpiry<T>(compute: () => T, seconds: number): () => T {
  let cached: { value: T; expires: number } | undefined;
  return () => {
    const now = Date.now();
    if (cached === undefined || cached.expires <= now) cached = { value: compute(), expires: now + seconds * 1000 };
    return cached.value;
  };
}
`,
  'scripts/sales_report.py': `import csv
import smtplib
from email.message import EmailMessage


# Reads the sales spreadsheet exported as CSV and returns one dictionary per row.
def load_sales(path):
    with open(path, newline="") as handle:
        reader = csv.DictReader(handle)
        return [row for row in reader]


# Computes the average order amount for every region.
def average_by_region(rows):
    totals = {}
    counts = {}
    for row in rows:
        region = row["region"]
        totals[region] = totals.get(region, 0.0) + float(row["amount"])
        counts[region] = counts.get(region, 0) + 1
    return {region: totals[region] / counts[region] for region in totals}


# Sends the finished report to the team by email.
def email_report(body, recipients):
    message = EmailMessage()
    message["Subject"] = "Weekly sales report"
    message["To"] = ", ".join(recipients)
    message.set_content(body)
    with smtplib.SMTP("localhost") as server:
        server.send_message(message)


# Writes a plain text table with one line per region, best region first.
def format_table(averages):
    lines = []
    for region, amount in sorted(averages.items(), key=lambda item: -item[1]):
        lines.append(f"{region:<20}{amount:>12.2f}")
    return "\\n".join(lines)
`,
  'internal/auth/tokens.go': `package auth

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"time"

	"golang.org/x/crypto/bcrypt"
)

// HashPassword stores a password safely by hashing it with a random salt.
func HashPassword(password string) (string, error) {
	hashed, err := bcrypt.GenerateFromPassword([]byte(password), bcrypt.DefaultCost)
	if err != nil {
		return "", err
	}
	return string(hashed), nil
}

// NewSessionToken creates an unguessable random identifier for a logged-in user.
func NewSessionToken() (string, error) {
	buffer := make([]byte, 32)
	if _, err := rand.Read(buffer); err != nil {
		return "", err
	}
	return hex.EncodeToString(buffer), nil
}

// TokensEqual compares two secrets in constant time so timing attacks learn nothing.
func TokensEqual(expected, given string) bool {
	if len(expected) != len(given) {
		return false
	}
	return subtle.ConstantTimeCompare([]byte(expected), []byte(given)) == 1
}

// Expired reports whether a session created at the given time has outlived its lifetime.
func Expired(created time.Time, lifetime time.Duration, now time.Time) bool {
	deadline := created.Add(lifetime)
	return now.After(deadline)
}
`,
  'src/main/java/shop/Inventory.java': `package shop;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

public class Inventory {
    private final Map<String, Integer> stock = new HashMap<>();
    private final Map<String, Double> prices = new HashMap<>();

    /** Adds delivered units of a product to the warehouse stock. */
    public void receive(String product, int units, double price) {
        stock.merge(product, units, Integer::sum);
        prices.put(product, price);
    }

    /** Takes units of a product out of stock for an order, failing when not enough are left. */
    public void ship(String product, int units) {
        int available = stock.getOrDefault(product, 0);
        if (available < units) {
            throw new IllegalStateException("only " + available + " units of " + product + " left");
        }
        stock.put(product, available - units);
    }

    /** Adds up what all the goods in the warehouse are worth. */
    public double totalValue() {
        double total = 0;
        for (Map.Entry<String, Integer> entry : stock.entrySet()) {
            total += entry.getValue() * prices.getOrDefault(entry.getKey(), 0.0);
        }
        return total;
    }

    /** Lists the products that are running out and should be reordered soon. */
    public List<String> productsToReorder(int minimum) {
        return stock.entrySet().stream()
            .filter(entry -> entry.getValue() < minimum)
            .map(Map.Entry::getKey)
            .sorted()
            .collect(Collectors.toList());
    }
}
`,
  'src/geometry.rs': `/// A point on a flat plane.
#[derive(Clone, Copy, Debug)]
pub struct Point {
    pub x: f64,
    pub y: f64,
}

/// Measures the straight-line distance between two points.
pub fn distance(a: Point, b: Point) -> f64 {
    let dx = a.x - b.x;
    let dy = a.y - b.y;
    (dx * dx + dy * dy).sqrt()
}

/// Computes the surface enclosed by a polygon given its corners in order.
pub fn polygon_area(corners: &[Point]) -> f64 {
    let mut twice_area = 0.0;
    for index in 0..corners.len() {
        let current = corners[index];
        let next = corners[(index + 1) % corners.len()];
        twice_area += current.x * next.y - next.x * current.y;
    }
    twice_area.abs() / 2.0
}

/// Turns a point around the origin by an angle given in degrees.
pub fn rotate(point: Point, degrees: f64) -> Point {
    let radians = degrees.to_radians();
    let (sin, cos) = radians.sin_cos();
    Point {
        x: point.x * cos - point.y * sin,
        y: point.x * sin + point.y * cos,
    }
}
`,
  'src/dates.ts': `/** Counts the whole days between two calendar dates. */
export function daysBetween(start: Date, end: Date): number {
  const millisecondsPerDay = 24 * 60 * 60 * 1000;
  const startDay = Date.UTC(start.getFullYear(), start.getMonth(), start.getDate());
  const endDay = Date.UTC(end.getFullYear(), end.getMonth(), end.getDate());
  return Math.round((endDay - startDay) / millisecondsPerDay);
}

/** Tells whether a date falls on a Saturday or a Sunday. */
export function isWeekend(date: Date): boolean {
  const day = date.getDay();
  return day === 0 || day === 6;
}

/** Writes a date as year-month-day with leading zeros, for file names and logs. */
export function formatIsoDay(date: Date): string {
  const month = String(date.getMonth() + 1).padStart(2, '0');
  const day = String(date.getDate()).padStart(2, '0');
  return \`\${date.getFullYear()}-\${month}-\${day}\`;
}

/** Adds a number of working days to a date, skipping weekends. */
export function addBusinessDays(date: Date, count: number): Date {
  const result = new Date(date);
  let added = 0;
  while (added < count) {
    result.setDate(result.getDate() + 1);
    if (!isWeekend(result)) added++;
  }
  return result;
}
`,
  'src/events.ts': `type Listener<T> = (payload: T) => void;

/** Lets parts of the program subscribe to named events and be told when they happen. */
export class EventBus<T> {
  private readonly listeners = new Map<string, Set<Listener<T>>>();

  /** Registers a callback for an event and returns a function that unregisters it. */
  on(event: string, listener: Listener<T>): () => void {
    const set = this.listeners.get(event) ?? new Set();
    set.add(listener);
    this.listeners.set(event, set);
    return () => set.delete(listener);
  }

  /** Calls every callback registered for an event with the given payload. */
  emit(event: string, payload: T): void {
    for (const listener of this.listeners.get(event) ?? []) listener(payload);
  }
}

/** Waits until a function has not been called for a while before running it. */
export function debounce<A extends unknown[]>(action: (...args: A) => void, milliseconds: number): (...args: A) => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return (...args: A) => {
    if (timer !== undefined) clearTimeout(timer);
    timer = setTimeout(() => action(...args), milliseconds);
  };
}
`,
  'src/legacy/text-utils.ts': `// Older helpers kept for the v1 API.

${EDIT_DISTANCE}
`,
  'src/legacy/retry.ts': `/** Turns the Retry-After header into a wait in milliseconds, or undefined when it is missing or malformed. */
export function retryDelayFromHeader(value: string | null): number | undefined {
  if (value === null) return undefined;
  const wait = Number(value);
  if (Number.isFinite(wait)) return Math.max(0, wait * 1000);
  const when = Date.parse(value);
  if (Number.isNaN(when)) return undefined;
  return Math.max(0, when - Date.now());
}
`,
  'docs/architecture.md': `# Architecture

## Storage

Entries are cached in memory with a least-recently-used policy; the cache size is configurable.

## Networking

HTTP requests are retried with a growing delay when the server answers with an error in the 500 range.
`,
};
