import { getSession } from 'expenser-auth/next';
import { redirect } from 'next/navigation';

export default async function Home() {
  redirect((await getSession()) ? '/expenses' : '/login');
}
