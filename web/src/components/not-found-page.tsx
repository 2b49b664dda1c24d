import { Link, Text, Title2 } from '@fluentui/react-components';
import { Link as RouterLink } from 'react-router';

export function NotFoundPage() {
  return (
    <section>
      <Title2 as="h1">Page not found</Title2>
      <Text as="p">There is no page at this address. <Link as="span"><RouterLink to="/assignments">Go to My roles</RouterLink></Link></Text>
    </section>
  );
}
