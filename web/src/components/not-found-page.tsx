import { Text, Title2, makeStyles } from '@fluentui/react-components';
import { RouteLink } from './route-link.tsx';

const useStyles = makeStyles({
  // As every page lays out: the heading above its text (Fluent's Text is inline by itself).
  page: { display: 'flex', flexDirection: 'column', gap: '16px' },
});

export function NotFoundPage() {
  const styles = useStyles();
  return (
    <section className={styles.page} aria-labelledby="not-found-title">
      <Title2 as="h1" id="not-found-title">
        Page not found
      </Title2>
      {/* One link: a Fluent link around a router link was a button around a link (nested controls). */}
      <Text as="p">
        There is no page at this address. <RouteLink to="/assignments">Go to My roles</RouteLink>
      </Text>
    </section>
  );
}
