import { notFound } from '@store/service-kit/errors';
import { EmailTakenError, orderError } from './errors';
import type { UnitOfWork, UserRecord } from './ports';

export async function createUser(db: UnitOfWork, name: string, email: string): Promise<UserRecord> {
  try {
    return await db.transaction((repositories) => repositories.users.insert(name, email));
  } catch (error) {
    if (error instanceof EmailTakenError) {
      throw orderError('EMAIL_TAKEN', 'a user with this email already exists', [
        { path: 'email', reason: 'taken' },
      ]);
    }
    throw error;
  }
}

export async function getUser(db: UnitOfWork, id: number): Promise<UserRecord> {
  const user = await db.read((repositories) => repositories.users.findById(id));
  if (!user) throw notFound('user', id);
  return user;
}
