import { AppError, notFound } from '@store/service-kit';
import type { Database } from '../data-access/database';
import { EmailTakenError, type UserRecord } from '../data-access/user.repository';

export async function createUser(db: Database, name: string, email: string): Promise<UserRecord> {
  try {
    return await db.transaction((repositories) => repositories.users.insert(name, email));
  } catch (error) {
    if (error instanceof EmailTakenError) {
      throw new AppError('EMAIL_TAKEN', 'a user with this email already exists', [
        { path: 'email', reason: 'taken' },
      ]);
    }
    throw error;
  }
}

export async function getUser(db: Database, id: number): Promise<UserRecord> {
  const user = await db.read((repositories) => repositories.users.findById(id));
  if (!user) throw notFound('user', id);
  return user;
}
