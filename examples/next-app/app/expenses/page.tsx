import { getSession } from 'expenser-auth/next';
import { redirect } from 'next/navigation';
import { RecoveryNotice } from '../ui';

export const metadata = { title: 'Expenses' };

const EXPENSES = [
  { date: '2026-11-02', merchant: 'Rail Europe', category: 'Travel', amountCents: 12_840 },
  { date: '2026-11-03', merchant: 'Hotel Lumière', category: 'Lodging', amountCents: 31_900 },
  { date: '2026-11-03', merchant: 'Café Central', category: 'Meals', amountCents: 1_870 },
  { date: '2026-11-10', merchant: 'Office Depot', category: 'Supplies', amountCents: 4_599 },
  { date: '2026-11-18', merchant: 'City Taxi', category: 'Travel', amountCents: 2_350 },
];

const amount = (cents: number) =>
  new Intl.NumberFormat('en-US', { style: 'currency', currency: 'EUR' }).format(cents / 100);

/** Rendered on the server for the signed-in user: the session is read from its cookie, no API call. */
export default async function ExpensesPage() {
  const signedIn = await getSession();
  if (!signedIn) redirect('/login?returnTo=%2Fexpenses');
  if (signedIn.session.authMethod === 'recovery') return <RecoveryNotice email={signedIn.user.email} />;
  const total = EXPENSES.reduce((sum, e) => sum + e.amountCents, 0);
  return (
    <>
      <h1>Expenses</h1>
      <p id="me">
        Signed in as <strong>{signedIn.user.email}</strong>
      </p>
      <div className="card table-wrap">
        <table>
          <caption>November 2026 (sample data)</caption>
          <thead>
            <tr>
              <th scope="col">Date</th>
              <th scope="col">Merchant</th>
              <th scope="col" className="category">
                Category
              </th>
              <th scope="col" className="num">
                Amount
              </th>
            </tr>
          </thead>
          <tbody>
            {EXPENSES.map((e) => (
              <tr key={`${e.date}-${e.merchant}`}>
                <td className="date">{e.date}</td>
                <td>{e.merchant}</td>
                <td className="category">{e.category}</td>
                <td className="num">{amount(e.amountCents)}</td>
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr>
              <th scope="row" colSpan={2}>
                Total
              </th>
              <td className="category" />
              <td className="num">{amount(total)}</td>
            </tr>
          </tfoot>
        </table>
      </div>
    </>
  );
}
