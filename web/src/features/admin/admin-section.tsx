/**
 * The administration pages, loaded as their own chunk (router.tsx lazy-loads this module) so that
 * My roles stays small: /admin/roles, /admin/roles/{id}, /admin/roles/{id}/settings, /admin/roles/tenant-default (the
 * settings every role inherits), /admin/groups, /admin/groups/defaults (?access=owner; the settings every group's member
 * and owner access inherit), /admin/groups/{id}.
 * Users: /admin/users, /admin/users/{id}.
 * Resource scopes: /admin/scopes (?path= the selected scope).
 */
import { Route, Routes } from 'react-router';
import { NotFoundPage } from '../../components/not-found-page.tsx';
import { GroupPage } from './group-page.tsx';
import { GroupsDefaultPage } from './groups-default-page.tsx';
import { GroupsPage } from './groups-page.tsx';
import { RolePage } from './role-page.tsx';
import { RoleSettingsPage } from './role-settings-page.tsx';
import { RolesPage } from './roles-page.tsx';
import { ScopesPage } from './scopes-page.tsx';
import { TenantDefaultPage } from './tenant-default-page.tsx';
import { UserPage } from './user-page.tsx';
import { UsersPage } from './users-page.tsx';

export default function AdminSection() {
  return (
    <Routes>
      <Route path="roles" element={<RolesPage />} />
      {/* A fixed segment: ranked before roles/:roleId. */}
      <Route path="roles/tenant-default" element={<TenantDefaultPage />} />
      <Route path="roles/:roleId" element={<RolePage />} />
      <Route path="roles/:roleId/settings" element={<RoleSettingsPage />} />
      <Route path="scopes" element={<ScopesPage />} />
      <Route path="groups" element={<GroupsPage />} />
      {/* A fixed segment: ranked before groups/:groupId. */}
      <Route path="groups/defaults" element={<GroupsDefaultPage />} />
      <Route path="groups/:groupId" element={<GroupPage />} />
      <Route path="users" element={<UsersPage />} />
      <Route path="users/:userId" element={<UserPage />} />
      <Route path="*" element={<NotFoundPage />} />
    </Routes>
  );
}
