/**
 * The administration pages, loaded as their own chunk (router.tsx lazy-loads this module) so that
 * My roles stays small: /admin/roles, /admin/roles/{id}, /admin/roles/{id}/settings, /admin/groups.
 */
import { Route, Routes } from 'react-router';
import { NotFoundPage } from '../../components/not-found-page.tsx';
import { GroupsPage } from './groups-page.tsx';
import { RolePage } from './role-page.tsx';
import { RoleSettingsPage } from './role-settings-page.tsx';
import { RolesPage } from './roles-page.tsx';

export default function AdminSection() {
  return (
    <Routes>
      <Route path="roles" element={<RolesPage />} />
      <Route path="roles/:roleId" element={<RolePage />} />
      <Route path="roles/:roleId/settings" element={<RoleSettingsPage />} />
      <Route path="groups" element={<GroupsPage />} />
      <Route path="*" element={<NotFoundPage />} />
    </Routes>
  );
}
