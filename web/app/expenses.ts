/** The demo's fake expenses: the protected content behind sign-in. */
export interface Expense {
  date: string;
  merchant: string;
  category: string;
  amountCents: number;
}

export const DEMO_EXPENSES: readonly Expense[] = [
  { date: '2026-11-02', merchant: 'Rail Europe', category: 'Travel', amountCents: 12_840 },
  { date: '2026-11-03', merchant: 'Hotel Lumière', category: 'Lodging', amountCents: 31_900 },
  { date: '2026-11-03', merchant: 'Café Central', category: 'Meals', amountCents: 1_870 },
  { date: '2026-11-10', merchant: 'Office Depot', category: 'Supplies', amountCents: 4_599 },
  { date: '2026-11-18', merchant: 'City Taxi', category: 'Travel', amountCents: 2_350 },
];

export function formatAmount(cents: number): string {
  return new Intl.NumberFormat('en-US', { style: 'currency', currency: 'EUR' }).format(cents / 100);
}
