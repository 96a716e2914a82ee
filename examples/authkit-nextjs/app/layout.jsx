export const metadata = { title: 'AuthKit Next.js example' };

export default function RootLayout({ children }) {
  return (
    <html lang="en">
      <body style={{ fontFamily: 'system-ui, sans-serif', maxWidth: '40rem', margin: '3rem auto', padding: '0 1rem' }}>{children}</body>
    </html>
  );
}
